@main
struct FolioParserFuzzer {
    static func main() {}
}
