import Foundation
import PackagePlugin

/// Writes `BuildStamp.swift` (the commit the binary was built from) into the `folio` target, for
/// `folio --version`. The commit comes from FOLIO_COMMIT when set (the container build has no
/// .git), else from the repository's .git files. The command reruns when HEAD or the branch's
/// ref changes, so the stamp follows new commits without a clean build.
@main
struct VersionStampPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let root = context.package.directoryURL
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildStamp.swift")
        return [.buildCommand(
            displayName: "Stamping the build with its commit",
            executable: try context.tool(named: "VersionStamp").url,
            arguments: [root.path, output.path],
            environment: ProcessInfo.processInfo.environment["FOLIO_COMMIT"].map { ["FOLIO_COMMIT": $0] } ?? [:],
            inputFiles: Self.gitFiles(root),
            outputFiles: [output])]
    }

    /// HEAD, the ref it points to and packed-refs, wherever the git directory is (a worktree's
    /// .git is a file naming it).
    static func gitFiles(_ root: URL) -> [URL] {
        let dotGit = root.appending(path: ".git")
        var gitDir = dotGit
        if let text = try? String(contentsOf: dotGit, encoding: .utf8), text.hasPrefix("gitdir:") {
            gitDir = URL(fileURLWithPath: text.dropFirst(7).trimmingCharacters(in: .whitespacesAndNewlines), relativeTo: root)
        }
        var commonDir = gitDir
        if let text = try? String(contentsOf: gitDir.appending(path: "commondir"), encoding: .utf8) {
            commonDir = URL(fileURLWithPath: text.trimmingCharacters(in: .whitespacesAndNewlines), relativeTo: gitDir)
        }
        var files = [gitDir.appending(path: "HEAD"), commonDir.appending(path: "packed-refs")]
        if let head = try? String(contentsOf: gitDir.appending(path: "HEAD"), encoding: .utf8), head.hasPrefix("ref:") {
            files.append(commonDir.appending(path: head.dropFirst(4).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return files.filter { FileManager.default.fileExists(atPath: $0.path) }
    }
}
