import AggregatorCore
import Foundation
import Hummingbird
import HummingbirdTesting
import SQLiteJobStore
import Testing

@testable import Server

/// What a create endpoint does with uploads that are not the one JSON file it expects, and the
/// JSON error body on every error answer, the framework's own included.
@Suite struct UploadRoutesTests {
    let routes = ProvisioningRoutesTests()

    func form(_ parts: [(name: String, body: String)], boundary: String = "XyZ") -> (HTTPFields, ByteBuffer) {
        var text = ""
        for part in parts {
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\"; filename=\"f.json\"\r\n\r\n"
                + "\(part.body)\r\n"
        }
        text += "--\(boundary)--\r\n"
        return ([.contentType: "multipart/form-data; boundary=\(boundary)"], ByteBuffer(string: text))
    }

    func errorBody(_ response: TestResponse) throws -> [String: Any] {
        let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
        let error = try #require(body["error"] as? [String: Any])
        #expect(error["message"] is String)
        return error
    }

    @Test(.timeLimit(.minutes(1)))
    func uploadsThatAreNotOneJSONFileAreClear4xxsAndCreateNothing() async throws {
        try await routes.withHarness { harness in
            try await harness.application().test(.router) { client in
                let seed = try ProvisioningRoutesTests.example("create_vm.json")
                let (twoHeaders, twoBody) = form([("jsonfile", seed), ("jsonfile", seed)])
                try await client.execute(uri: "/ovirt/create_vm", method: .post, headers: twoHeaders, body: twoBody) {
                    #expect($0.status == .badRequest)
                    let error = try errorBody($0)
                    #expect(error["code"] as? String == "duplicate_field")
                    #expect((error["message"] as? String)?.contains("2 'jsonfile' parts") == true)
                }
                for type in ["text/plain", "application/xml", "multipart/mixed; boundary=XyZ"] {
                    try await client.execute(uri: "/ovirt/create_vm", method: .post, headers: [.contentType: type],
                                             body: ByteBuffer(string: seed)) {
                        #expect($0.status == .unsupportedMediaType)
                        let code = try errorBody($0)["code"] as? String
                        #expect(code == "unsupported_content_type")
                    }
                }
                try await client.execute(uri: "/ovirt/create_vm", method: .post, body: ByteBuffer(string: seed)) {
                    #expect($0.status == .unsupportedMediaType)
                    let code = try errorBody($0)["code"] as? String
                    #expect(code == "unsupported_content_type")
                }
                let long = String(repeating: "-", count: 71)
                let (longHeaders, longBody) = form([("jsonfile", seed)], boundary: long)
                try await client.execute(uri: "/ovirt/create_vm", method: .post, headers: longHeaders, body: longBody) {
                    #expect($0.status == .badRequest)
                    let error = try errorBody($0)
                    #expect(error["code"] as? String == "bad_multipart")
                    #expect((error["message"] as? String)?.contains("at most 70") == true)
                }
                let relabel = "--XyZ\r\nContent-Disposition: form-data; filename=\"a; name=jsonfile\"; name=\"note\"\r\n\r\n"
                    + "\(seed)\r\n--XyZ--\r\n"
                try await client.execute(uri: "/ovirt/create_vm", method: .post,
                                         headers: [.contentType: "multipart/form-data; boundary=XyZ"],
                                         body: ByteBuffer(string: relabel)) {
                    #expect($0.status == .badRequest)
                    let code = try errorBody($0)["code"] as? String
                    #expect(code == "missing_field")
                }
                try await client.execute(uri: "/ovirt/create_vm", method: .post,
                                         headers: [.contentType: "application/json; charset=windows-1251"],
                                         body: ByteBuffer(string: seed)) {
                    #expect($0.status == .unsupportedMediaType)
                }
                #expect(try await harness.store.jobs(matching: JobFilter()).isEmpty)
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func anOversizedUploadIs413WithItsBodyAndConnectionClose() async throws {
        try await routes.withHarness(maxUpload: 4096) { harness in
            try await harness.application().test(.router) { client in
                let (headers, body) = form([("jsonfile", String(repeating: " ", count: 10_000) + "[]")])
                try await client.execute(uri: "/ovirt/create_vm", method: .post, headers: headers, body: body) {
                    #expect($0.status == .contentTooLarge)
                    #expect($0.headers[.connection] == "close")
                    let error = try errorBody($0)
                    #expect(error["code"] as? String == "upload_too_large")
                    #expect((error["fix"] as? String)?.contains("max_upload_bytes") == true)
                }
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func theFrameworksOwnErrorsCarryTheJSONBody() async throws {
        try await routes.withHarness { harness in
            try await harness.application().test(.router) { client in
                try await client.execute(uri: "/no/such/route", method: .get) {
                    #expect($0.status == .notFound)
                    let error = try errorBody($0)
                    #expect(error["code"] as? String == "not_found")
                    #expect((error["message"] as? String)?.contains("/no/such/route") == true)
                }
                try await client.execute(uri: "/ovirt/create_vm", method: .delete) {
                    #expect($0.status == .notFound || $0.status == .methodNotAllowed)
                    _ = try errorBody($0)
                }
            }
        }
    }
}
