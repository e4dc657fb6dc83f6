#if canImport(Glibc)
import Glibc
#endif

/// The `main` of a fuzzer built without libFuzzer: runs each file named on the command line
/// through the fuzzer's entry point (to replay a crash or check the seed corpus), then says how
/// many it checked. Shared by every fuzzer target.
public enum FuzzReplay {
    public static func run(_ entry: (UnsafePointer<UInt8>, Int) -> CInt) {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            guard let file = fopen(path, "rb") else {
                print("cannot open \(path)")
                exit(2)
            }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = fread(&buffer, 1, buffer.count, file)
                if n <= 0 { break }
                bytes += buffer[0..<n]
            }
            fclose(file)
            _ = bytes.withUnsafeBufferPointer { entry($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
            count += 1
        }
        print("checked \(count) input(s)")
    }
}
