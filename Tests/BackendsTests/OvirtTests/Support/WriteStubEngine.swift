import AggregatorTesting
import Foundation
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A small stateful engine for the write flows, following the real API's semantics: networks with
/// an automatic vNIC profile, cluster networks, `setupnetworks` creating network attachments,
/// `POST /vms` answering 202 with the VM `image_locked` until it has been read a few times, disks
/// `locked` then `ok`, `start` going through `wait_for_launch` and `powering_up` to `up`, a 409 for a
/// duplicate VM name, and one-shot faults. It records every API request with its `Correlation-Id`.
final class WriteStubEngine: Sendable {
    struct Call: Sendable, Hashable {
        var method: String
        var path: String
        var correlationID: String?
    }

    struct Fault: Sendable {
        var method: String
        var path: String
        var status: Int
        var detail: String
    }

    struct VMRecord: Sendable {
        var id: String
        var name: String
        var status: String
        var pending: [String]
        var body: [String: String]
        var memory: Int64
        var cores: Int
        var description: String
        var initialization: String
        var disks: [String]
        var nics: [(id: String, name: String, profile: String)]
    }

    struct State: Sendable {
        var calls: [Call] = []
        var fault: Fault?
        var networks: [(id: String, name: String, vlan: Int?, dc: String)] = [("net0", "ovirtmgmt", nil, "dc1")]
        var profiles: [(id: String, name: String, network: String)] = [("p0", "ovirtmgmt", "net0")]
        var clusterNetworks: Set<String> = ["net0"]
        var attachments: [String: [String]] = [:]
        var disks: [String: (size: Int64, status: String, format: String, sparse: Bool)] = [
            "td1": (20 << 30, "ok", "cow", true),
        ]
        var vms: [VMRecord] = []
        var counter = 0
        var setupBodies: [String] = []

        mutating func newID(_ kind: String) -> String {
            counter += 1
            return "\(kind)-\(counter)"
        }
    }

    let state = Mutex(State())

    var calls: [Call] { state.withLock { $0.calls } }

    func inject(_ fault: Fault) { state.withLock { $0.fault = fault } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("ovirt-engine/sso/oauth/token") { _, _ in
            Self.json(.ok, #"{"access_token":"stub-token","token_type":"bearer","scope":"ovirt-app-api","exp":"1"}"#)
        }
        router.post("ovirt-engine/services/sso-logout") { _, _ in Self.json(.ok, "{}") }
        for method in [HTTPRequest.Method.get, .post, .put] {
            router.on("ovirt-engine/api/**", method: method) { request, context in
                let body = try await request.body.collect(upTo: 1 << 20)
                return self.handle(request, body: Data(body.readableBytesView))
            }
            router.on("ovirt-engine/api", method: method) { request, _ in self.handle(request, body: Data()) }
        }
        return router
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private static func encode(_ object: Any) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8), as: UTF8.self)
    }

    private func handle(_ request: Request, body: Data) -> Response {
        let path = String(request.uri.path.dropFirst("/ovirt-engine/api".count).drop { $0 == "/" })
        let method = request.method.rawValue
        let query = request.uri.queryParameters
        let correlation = request.headers.first { $0.name.canonicalName == "correlation-id" }?.value
        let payload = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        return state.withLock { state -> Response in
            state.calls.append(Call(method: method, path: path, correlationID: correlation))
            if let fault = state.fault, fault.method == method, fault.path == path {
                state.fault = nil
                let text = Self.encode(["reason": "Operation Failed", "detail": fault.detail])
                return Self.json(HTTPResponse.Status(code: fault.status), text)
            }
            let (status, object) = Self.route(&state, method, path.split(separator: "/").map(String.init),
                                              search: query["search"].map(String.init), payload: payload)
            return Self.json(status, Self.encode(object))
        }
    }

    private static func searchName(_ search: String?) -> String? {
        guard let search, search.hasPrefix("name=") else { return nil }
        return String(search.dropFirst(5)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

    private static func vmJSON(_ vm: VMRecord) -> [String: Any] {
        ["id": vm.id, "name": vm.name, "status": vm.status, "memory": vm.memory, "description": vm.description,
         "cpu": ["topology": ["cores": String(vm.cores), "sockets": "1", "threads": "1"]]]
    }

    private static func attachment(_ id: String, disk: (size: Int64, status: String, format: String, sparse: Bool),
                                   bootable: Bool) -> [String: Any] {
        ["id": id, "bootable": bootable ? "true" : "false", "interface": "virtio_scsi",
         "disk": ["id": id, "provisioned_size": disk.size, "status": disk.status, "format": disk.format,
                  "sparse": disk.sparse ? "true" : "false"]]
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private static func route(_ s: inout State, _ method: String, _ p: [String], search: String?,
                              payload: [String: Any]) -> (HTTPResponse.Status, Any) {
        let notFound: (HTTPResponse.Status, Any) = (.notFound, [String: Any]())
        switch (method, p.count, p.first ?? "") {
        case ("GET", 0, _):
            return (.ok, ["product_info": ["name": "oVirt Engine", "version": ["major": "4", "minor": "5",
                                                                                "full_version": "4.5.6"]]])
        case ("GET", 1, "clusters"):
            return (.ok, ["cluster": [["id": "c1", "name": "Default", "data_center": ["id": "dc1"]]]])
        case ("GET", 1, "datacenters"):
            return (.ok, ["data_center": [["id": "dc1", "name": "Default"]]])
        case ("GET", 1, "hosts"):
            return (.ok, ["host": [["id": "h1", "name": "host01", "cluster": ["id": "c1"], "status": "up"],
                                   ["id": "h2", "name": "host02", "cluster": ["id": "c1"], "status": "up"]]])
        case ("GET", 1, "templates"):
            return (.ok, ["template": [["id": "t1", "name": "template-packer-redos8-03092024", "cluster": ["id": "c1"]]]])
        case ("GET", 1, "storagedomains"):
            return (.ok, ["storage_domain": [["id": "sd1", "name": "hosted_storage", "type": "data"]]])
        case ("GET", 3, "datacenters") where p[2] == "storagedomains":
            return (.ok, ["storage_domain": [["id": "sd1", "name": "hosted_storage", "type": "data", "status": "active"]]])
        case ("GET", 3, "templates") where p[2] == "diskattachments":
            return (.ok, ["disk_attachment": [attachment("td1", disk: s.disks["td1"]!, bootable: true)]])
        case ("GET", 1, "networks"):
            let name = searchName(search)
            return (.ok, ["network": s.networks.filter { name == nil || $0.name == name }.map { n -> [String: Any] in
                var object: [String: Any] = ["id": n.id, "name": n.name, "data_center": ["id": n.dc],
                                             "usages": ["usage": ["vm"]]]
                if let vlan = n.vlan { object["vlan"] = ["id": String(vlan)] }
                return object
            }])
        case ("POST", 1, "networks"):
            let name = payload["name"] as? String ?? ""
            let vlan = (payload["vlan"] as? [String: Any])?["id"] as? Int
            let id = s.newID("net")
            s.networks.append((id, name, vlan, ((payload["data_center"] as? [String: Any])?["id"] as? String) ?? ""))
            s.profiles.append((s.newID("profile"), name, id))
            return (.created, ["id": id, "name": name])
        case ("GET", 3, "networks") where p[2] == "vnicprofiles":
            return (.ok, ["vnic_profile": s.profiles.filter { $0.network == p[1] }.map { ["id": $0.id, "name": $0.name] }])
        case ("GET", 3, "clusters") where p[2] == "networks":
            return (.ok, ["network": s.clusterNetworks.sorted().map { ["id": $0] }])
        case ("POST", 3, "clusters") where p[2] == "networks":
            let id = payload["id"] as? String ?? ""
            s.clusterNetworks.insert(id)
            return (.created, ["id": id])
        case ("GET", 3, "hosts") where p[2] == "nics":
            return (.ok, ["host_nic": [["id": "\(p[1])-bond0", "name": "bond0"], ["id": "\(p[1])-eno1", "name": "eno1"]]])
        case ("GET", 5, "hosts") where p[4] == "networkattachments":
            return (.ok, ["network_attachment": (s.attachments[p[1]] ?? []).map { ["id": "a-\($0)", "network": ["id": $0]] }])
        case ("POST", 3, "hosts") where p[2] == "setupnetworks":
            let list = ((payload["modified_network_attachments"] as? [String: Any])?["network_attachment"] as? [[String: Any]]) ?? []
            for item in list {
                if let id = (item["network"] as? [String: Any])?["id"] as? String { s.attachments[p[1], default: []].append(id) }
            }
            s.setupBodies.append(encode(payload))
            return (.ok, ["status": "complete"])
        case ("GET", 1, "vms"):
            let name = searchName(search)
            return (.ok, ["vm": s.vms.filter { name == nil || $0.name == name }.map(vmJSON)])
        case ("POST", 1, "vms"):
            let name = payload["name"] as? String ?? ""
            if s.vms.contains(where: { $0.name == name }) {
                return (.conflict, ["reason": "Operation Failed",
                                    "detail": "[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]"])
            }
            let id = s.newID("vm")
            let diskID = s.newID("disk")
            let template = ((payload["disk_attachments"] as? [String: Any])?["disk_attachment"] as? [[String: Any]])?.first
            let templateDisk = template?["disk"] as? [String: Any]
            s.disks[diskID] = (20 << 30, "locked", templateDisk?["format"] as? String ?? "cow", templateDisk?["sparse"] as? Bool ?? true)
            let topology = ((payload["cpu"] as? [String: Any])?["topology"] as? [String: Any])
            let vm = VMRecord(id: id, name: name, status: "image_locked", pending: ["image_locked", "down"], body: [:],
                              memory: (payload["memory"] as? NSNumber)?.int64Value ?? 0,
                              cores: topology?["cores"] as? Int ?? 0, description: payload["description"] as? String ?? "",
                              initialization: encode(payload["initialization"] ?? [:]), disks: [diskID],
                              nics: [(s.newID("nic"), "nic1", "p0")])
            s.vms.append(vm)
            return (.accepted, vmJSON(vm))
        case (_, _, "vms") where p.count >= 2:
            guard let index = s.vms.firstIndex(where: { $0.id == p[1] }) else { return notFound }
            return vmRoute(&s, index, method, Array(p.dropFirst(2)), payload: payload)
        case ("GET", 2, "disks"):
            guard var disk = s.disks[p[1]] else { return notFound }
            let shown = disk.status
            disk.status = "ok"
            s.disks[p[1]] = disk
            return (.ok, ["id": p[1], "provisioned_size": disk.size, "status": shown])
        default:
            return notFound
        }
    }

    private static func vmRoute(_ s: inout State, _ index: Int, _ method: String, _ rest: [String],
                                payload: [String: Any]) -> (HTTPResponse.Status, Any) {
        var vm = s.vms[index]
        defer { s.vms[index] = vm }
        switch (method, rest.first ?? "", rest.count) {
        case ("GET", "", 0):
            let shown = vmJSON(vm)
            if !vm.pending.isEmpty { vm.status = vm.pending.removeFirst() }
            return (.ok, shown)
        case ("PUT", "", 0):
            if let initialization = payload["initialization"] { vm.initialization = encode(initialization) }
            return (.ok, vmJSON(vm))
        case ("GET", "diskattachments", 1):
            return (.ok, ["disk_attachment": vm.disks.enumerated().map { offset, id in
                attachment(id, disk: s.disks[id]!, bootable: offset == 0)
            }])
        case ("PUT", "diskattachments", 2):
            guard var disk = s.disks[rest[1]] else { return (.notFound, [String: Any]()) }
            let size = ((payload["disk"] as? [String: Any])?["provisioned_size"] as? NSNumber)?.int64Value ?? disk.size
            guard size > disk.size else {
                return (.conflict, ["reason": "Operation Failed",
                                    "detail": "[Cannot edit Virtual Disk. New disk size must be larger than the current disk size.]"])
            }
            disk.size = size
            disk.status = "locked"
            s.disks[rest[1]] = disk
            return (.ok, attachment(rest[1], disk: disk, bootable: true))
        case ("POST", "diskattachments", 1):
            if vm.status == "image_locked" {
                return (.conflict, ["reason": "Operation Failed",
                                    "detail": "[Cannot attach Virtual Disk because the VM is in Image Locked status.]"])
            }
            let disk = payload["disk"] as? [String: Any] ?? [:]
            let id = s.newID("disk")
            s.disks[id] = ((disk["provisioned_size"] as? NSNumber)?.int64Value ?? 0, "locked",
                           disk["format"] as? String ?? "", disk["sparse"] as? Bool ?? false)
            vm.disks.append(id)
            return (.created, attachment(id, disk: s.disks[id]!, bootable: false))
        case ("GET", "nics", 1):
            return (.ok, ["nic": vm.nics.map { ["id": $0.id, "name": $0.name, "vnic_profile": ["id": $0.profile]] }])
        case ("PUT", "nics", 2), ("POST", "nics", 1):
            let profile = (payload["vnic_profile"] as? [String: Any])?["id"] as? String ?? ""
            if rest.count == 2, let nic = vm.nics.firstIndex(where: { $0.id == rest[1] }) {
                vm.nics[nic].profile = profile
                return (.ok, ["id": rest[1], "name": "nic1"])
            }
            let id = s.newID("nic")
            vm.nics.append((id, payload["name"] as? String ?? "", profile))
            return (.created, ["id": id])
        case ("POST", "start", 1):
            guard vm.status == "down" else {
                return (.conflict, ["reason": "Operation Failed", "detail": "[Cannot run VM. VM is not down.]"])
            }
            vm.status = "wait_for_launch"
            vm.pending = ["powering_up", "up"]
            return (.ok, ["status": "complete"])
        default:
            return (.notFound, [String: Any]())
        }
    }

    /// Serves on a free loopback port for the duration of `body`; the argument is the API URL.
    func serve<T>(_ body: (String) async throws -> T) async throws -> T {
        try await serveOnLoopback(router(), label: "write-stub") { port in
            try await body("http://127.0.0.1:\(port)/ovirt-engine/api")
        }
    }
}
