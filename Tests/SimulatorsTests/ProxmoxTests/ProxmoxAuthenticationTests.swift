import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import ProxmoxSimulator
import SimulatorSupport
import Testing

@Suite("Proxmox tickets, CSRF tokens and API tokens", .timeLimit(.minutes(1)))
struct ProxmoxAuthenticationTests {
    @Test func ticketLoginAnswersTicketTokenAndCapabilities() async throws {
        try await withProxmox { client, _ in
            let answer = try await client.pve(.post, "/access/ticket", session: nil, form: ["username": "root@pam", "password": "admin"])
            #expect(answer.status == .ok)
            let data = answer.dataObject
            #expect(data["username"] as? String == "root@pam")
            let ticket = try #require(data["ticket"] as? String)
            #expect(ticket.hasPrefix("PVE:root@pam:"))
            #expect(ticket.contains("::"))
            let csrf = try #require(data["CSRFPreventionToken"] as? String)
            #expect(csrf.split(separator: ":").first?.count == 8)
            #expect(data["clustername"] as? String == "pve-test")
            let cap = try #require(data["cap"] as? [String: Any])
            #expect((cap["vms"] as? [String: Any])?["VM.Allocate"] as? Int == 1)
        }
    }

    @Test func jsonLoginBodyIsAccepted() async throws {
        try await withProxmox { client, _ in
            let answer = try await client.pve(.post, "/access/ticket", session: nil, json: #"{"username":"root","realm":"pam","password":"admin"}"#)
            #expect(answer.status == .ok)
            #expect(answer.dataObject["username"] as? String == "root@pam")
        }
    }

    @Test func badPasswordIs401WithJSONBody() async throws {
        try await withProxmox { client, _ in
            let answer = try await client.pve(.post, "/access/ticket", session: nil, form: ["username": "root@pam", "password": "nope"])
            #expect(answer.status.code == 401)
            #expect(answer.status.reasonPhrase == "authentication failure")
            #expect(answer.object.keys.contains("data"))
            #expect(answer.data is NSNull)
        }
    }

    @Test func unauthenticatedAndForgedTicketsAre401WithoutBody() async throws {
        try await withProxmox { client, _ in
            let none = try await client.pve(.get, "/nodes", session: nil)
            #expect(none.status.code == 401)
            #expect(none.status.reasonPhrase == "No ticket")
            #expect(none.body.isEmpty)
            let forged = try await client.pve(.get, "/nodes", session: PVESession(ticket: "PVE:root@pam:65A1B2C3::Zm9yZ2Vk", csrfToken: ""))
            #expect(forged.status.code == 401)
            #expect(forged.status.reasonPhrase == "Authentication failed!")
        }
    }

    @Test func writesWithTicketNeedTheCSRFToken() async throws {
        try await withProxmox { client, _ in
            let session = try await client.login()
            #expect(try await client.pve(.get, "/cluster/resources", session: session).status == .ok)
            let refused = try await client.pve(
                .post, "/nodes/pve1/qemu/100/config", session: session, form: ["description": "x"], csrf: false
            )
            #expect(refused.status.code == 401)
            #expect(refused.status.reasonPhrase == "Permission denied - invalid csrf token")
            let wrong = try await client.pve(
                .post, "/nodes/pve1/qemu/100/config", session: PVESession(ticket: session.ticket, csrfToken: "65A1B2C3:bad"),
                form: ["description": "x"]
            )
            #expect(wrong.status.code == 401)
            let accepted = try await client.pve(.post, "/nodes/pve1/qemu/100/config", session: session, form: ["description": "x"])
            #expect(accepted.status == .ok)
            #expect((accepted.data as? String)?.hasPrefix("UPID:pve1:") == true)
        }
    }

    @Test func apiTokenNeedsNoCSRFToken() async throws {
        try await withProxmox { client, _ in
            let read = try await client.pve(.get, "/version", session: .token)
            #expect(read.status == .ok)
            #expect(read.dataObject["release"] as? String == "8.4")
            let write = try await client.pve(.post, "/nodes/pve1/qemu/100/config", session: .token, form: ["description": "by token"])
            #expect(write.status == .ok)
            let upid = try #require(write.data as? String)
            #expect(upid.hasSuffix(":root@pam!aggregator:"))
            let status = try await client.waitForTask(upid, node: "pve1", session: .token)
            #expect(status["user"] as? String == "root@pam")
            #expect(status["tokenid"] as? String == "aggregator")
        }
    }

    @Test func wrongTokenSecretIs401() async throws {
        try await withProxmox { client, _ in
            let response = try await client.execute(
                uri: "/api2/json/version", method: .get,
                headers: [.authorization: "PVEAPIToken=root@pam!aggregator=00000000-0000-0000-0000-000000000000"]
            )
            #expect(response.status.code == 401)
            #expect(response.status.reasonPhrase == "Authentication failed!")
        }
    }

    @Test func expiredTicketIsRefusedAndTicketRenewalWorks() async throws {
        try await withProxmox(configure: { $0.ticketLifetime = .seconds(4) }) { client, admin in
            let session = try await client.login()
            admin.clock.advance(by: .milliseconds(3900))
            #expect(try await client.pve(.get, "/version", session: session).status == .ok)
            admin.clock.advance(by: .seconds(1))
            #expect(try await client.pve(.get, "/version", session: session).status.code == 401)
            let fresh = try await client.login()
            #expect(try await client.pve(.get, "/version", session: fresh).status == .ok)
            let renewed = try await client.pve(.post, "/access/ticket", session: nil, form: ["username": "root@pam", "password": fresh.ticket])
            #expect(renewed.status == .ok)
        }
    }

    @Test func expireTicketsForcesReLogin() async throws {
        try await withProxmox { client, admin in
            let session = try await client.login()
            #expect(try await client.pve(.get, "/version", session: session).status == .ok)
            admin.expireTickets()
            #expect(try await client.pve(.get, "/version", session: session).status.code == 401)
            #expect(try await client.pve(.get, "/version", session: try await client.login()).status == .ok)
        }
    }
}
