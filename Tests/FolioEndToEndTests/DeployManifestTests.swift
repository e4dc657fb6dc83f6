import Foundation
import FolioTestSupport
import Testing

/// deploy/: the Kubernetes manifests validate against the Kubernetes schemas (kubernetes-validate
/// from PyPI, strict), the compose file names the topology docs/deploy.md describes and runs
/// commands the binary has, and `folio migrate` (the Job's and the compose service's command)
/// creates the schema on a real PostgreSQL server. The topology itself (replicas on one database)
/// runs in PostgresCommandTests.
@Suite("Deploy manifests")
struct DeployManifestTests {
    static let root = ServerProcess.repositoryRoot

    @Test func kubernetesManifestsValidate() throws {
        let dir = Self.root.appendingPathComponent("deploy/kubernetes")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files == ["deployment.yaml", "hpa.yaml", "migrate-job.yaml", "pdb.yaml", "secret.yaml", "service.yaml"])
        let r = try Tool.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-m", "kubernetes_validate", "--strict"] + files, in: dir)
        #expect(r.status == 0 && r.output.components(separatedBy: " passed for resource ").count - 1 == files.count, "\(r.output)")
    }

    @Test func composeNamesTheTopologyAndRealCommands() throws {
        let script = """
            import json, sys, yaml
            d = yaml.safe_load(open(sys.argv[1]))
            print(json.dumps({name: {"command": s.get("command"), "env": s.get("environment", {}), "image": s.get("image")}
                              for name, s in d["services"].items()}))
            """
        let r = try Tool.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, "deploy/compose.yaml"], in: Self.root)
        #expect(r.status == 0, "\(r.output)")
        let services = try #require(try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [String: [String: Any]])
        #expect(Set(services.keys) == ["postgres", "migrate", "folio-1", "folio-2", "nginx"])
        for name in ["migrate", "folio-1", "folio-2"] {
            let command = try #require(services[name]?["command"] as? [String])
            let env = services[name]?["env"] as? [String: String] ?? [:]
            #expect(env["FOLIO_DATABASE_URL"]?.hasPrefix("postgres://folio:") == true, "\(name)")
            // The image's entrypoint is folio: the command is a folio subcommand.
            let help = try FolioTool.run(["help", command[0]])
            #expect(help.status == 0 && help.output.contains("USAGE: folio \(command[0])"), "\(name): folio \(command[0]): \(help.output.prefix(200))")
        }
    }

    @Test func migrateCreatesTheSchemaOnPostgreSQL() throws {
        let url = try PostgresServer.shared.get().freshDatabase()
        let first = try FolioTool.run(["migrate", "--database-url", url])
        #expect(first.status == 0 && first.output.contains("migrated") && first.output.contains("0 articles"), "\(first.output)")
        let again = try FolioTool.run(["migrate", "--database-url", url])
        #expect(again.status == 0, "a second run finds the schema current: \(again.output)")
    }
}
