import AggregatorCore
import Foundation

@testable import ProxmoxBackend

/// Answers shaped like a Proxmox VE 8 cluster's (field names and types as `pve-manager`'s
/// `PVE/API2/Cluster.pm` and `qemu-server`'s `PVE/API2/Qemu.pm` declare them; numbers sometimes
/// as strings and booleans as 0/1, as Perl's JSON encoder writes them).
enum ProxmoxFixtures {
    static let version = #"{"data":{"version":"8.2.4","release":"8.2","repoid":"faa83925c9641325"}}"#

    static let clusterStatus = #"""
        {"data":[
          {"type":"cluster","id":"cluster","name":"lab","nodes":3,"version":5,"quorate":1},
          {"type":"node","id":"node/pve1","name":"pve1","nodeid":1,"ip":"10.0.0.11","local":1,"online":1,"level":""},
          {"type":"node","id":"node/pve2","name":"pve2","nodeid":2,"ip":"10.0.0.12","local":0,"online":1,"level":""},
          {"type":"node","id":"node/pve3","name":"pve3","nodeid":3,"ip":"10.0.0.13","local":0,"online":0,"level":""}
        ]}
        """#

    /// A node that was never joined to a cluster: no `type: cluster` entry.
    static let standaloneStatus = #"""
        {"data":[{"type":"node","id":"node/solo","name":"solo","nodeid":0,"ip":"10.0.0.5","local":1,"online":1,"level":""}]}
        """#

    static let guests = #"""
        {"data":[
          {"id":"qemu/100","type":"qemu","vmid":100,"name":"web01","node":"pve1","status":"running","template":0,
           "maxcpu":4,"maxmem":8589934592,"mem":2147483648,"cpu":0.0123,"maxdisk":34359738368,"disk":0,
           "uptime":86400,"netin":1000,"netout":2000,"diskread":0,"diskwrite":0,"tags":"prod;web"},
          {"id":"qemu/101","type":"qemu","vmid":"101","name":"db01","node":"pve2","status":"stopped","template":0,
           "maxcpu":2,"maxmem":"4294967296","lock":"clone","uptime":0},
          {"id":"qemu/102","type":"qemu","vmid":102,"name":"mig01","node":"pve2","status":"running","lock":"migrate",
           "maxcpu":1,"maxmem":1073741824},
          {"id":"lxc/200","type":"lxc","vmid":200,"name":"ct01","node":"pve1","status":"running","maxcpu":1,"maxmem":536870912},
          {"id":"qemu/9000","type":"qemu","vmid":9000,"name":"redos8-template","node":"pve1","status":"stopped","template":1,
           "maxcpu":2,"maxmem":2147483648,"maxdisk":21474836480},
          {"id":"qemu/9001","type":"qemu","vmid":9001,"name":"remote-template","node":"pve2","status":"stopped","template":1}
        ]}
        """#

    static let nodes = #"""
        {"data":[
          {"id":"node/pve1","type":"node","node":"pve1","status":"online","maxcpu":16,"maxmem":68719476736,"cpu":0.05,
           "mem":8589934592,"maxdisk":100000000000,"disk":1000,"uptime":100000,"level":"","cgroup-mode":2},
          {"id":"node/pve2","type":"node","node":"pve2","status":"online","maxcpu":8,"maxmem":34359738368},
          {"id":"node/pve3","type":"node","node":"pve3","status":"offline"}
        ]}
        """#

    static let agentInterfaces = #"""
        {"data":{"result":[
          {"name":"lo","hardware-address":"00:00:00:00:00:00","ip-addresses":[
            {"ip-address":"127.0.0.1","ip-address-type":"ipv4","prefix":8},
            {"ip-address":"::1","ip-address-type":"ipv6","prefix":128}]},
          {"name":"eth0","hardware-address":"bc:24:11:2a:3b:4c","ip-addresses":[
            {"ip-address":"10.20.30.40","ip-address-type":"ipv4","prefix":24},
            {"ip-address":"fe80::be24:11ff:fe2a:3b4c","ip-address-type":"ipv6","prefix":64},
            {"ip-address":"2001:db8::40","ip-address-type":"ipv6","prefix":64}],
           "statistics":{"rx-bytes":1,"rx-packets":1,"tx-bytes":1,"tx-packets":1,"rx-errs":0,"rx-dropped":0,
                         "tx-errs":0,"tx-dropped":0}}
        ]}}
        """#

    /// The template's configuration: a 20 GiB boot disk on scsi0, the cloud-init drive on ide2.
    static let templateConfig = #"""
        {"data":{"boot":"order=scsi0;ide2;net0","cores":2,"memory":"2048","name":"redos8-template","template":1,
          "net0":"virtio=BC:24:11:00:00:01,bridge=vmbr0","scsi0":"local-lvm:base-9000-disk-0,size=20G",
          "ide2":"local-lvm:vm-9000-cloudinit,media=cdrom","scsihw":"virtio-scsi-single","ostype":"l26",
          "agent":"1","digest":"2c3a1e1b0a0f5a1c8f2b9d6c1e0a7b3c4d5e6f70","smbios1":"uuid=6f1f1d3e-0000-4000-8000-000000000001"}}
        """#

    static let storages = #"""
        {"data":[
          {"storage":"local","type":"dir","content":"iso,vztmpl,backup,snippets","enabled":1,"active":1,"shared":0,
           "avail":50000000000,"total":100000000000,"used":50000000000},
          {"storage":"local-lvm","type":"lvmthin","content":"images,rootdir","enabled":1,"active":1,"shared":0,
           "avail":500000000000,"total":1000000000000,"used":500000000000},
          {"storage":"ceph-pool","type":"rbd","content":"images,rootdir","enabled":1,"active":1,"shared":1}
        ]}
        """#

    static let network = #"""
        {"data":[
          {"iface":"eno1","type":"eth","active":1,"method":"manual","families":["inet"]},
          {"iface":"vmbr0","type":"bridge","active":1,"autostart":1,"bridge_ports":"eno1","bridge_vlan_aware":1,
           "cidr":"10.0.0.11/24","method":"static","families":["inet"]},
          {"iface":"vmbr1","type":"bridge","active":1,"bridge_ports":"eno2","method":"manual"}
        ]}
        """#

    static let snippets = #"""
        {"data":[{"volid":"local:snippets/mount-data.yaml","content":"snippets","format":"snippet","size":312,"ctime":1700000000}]}
        """#

    static let taskRunning = #"""
        {"data":{"upid":"UPID:pve1:000FF1FD:10F9374C:630D702C:qmclone:9000:root@pam:","node":"pve1","pid":1044989,
          "pstart":284768076,"starttime":1661825068,"type":"qmclone","id":"9000","user":"root@pam","status":"running"}}
        """#

    static let taskFailed = #"""
        {"data":{"upid":"UPID:pve1:000FF1FD:10F9374C:630D702C:qmclone:9000:root@pam:","node":"pve1","pid":1044989,
          "pstart":284768076,"starttime":1661825068,"type":"qmclone","id":"9000","user":"root@pam","status":"stopped",
          "exitstatus":"clone failed: lvcreate 'pve/vm-105-disk-0' error: Volume group \"pve\" has insufficient free space"}}
        """#

    /// The `data` of an envelope, decoded as `T`.
    static func data<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        guard let data = try JSONDecoder().decode(ProxmoxEnvelope<T>.self, from: Data(json.utf8)).data else {
            throw CocoaError(.coderValueNotFound)
        }
        return data
    }

    /// A survey of the lab cluster as the planner sees it.
    static func survey() throws -> ProxmoxSurvey {
        var survey = ProxmoxSurvey()
        survey.guests = try data([ProxmoxResource].self, guests)
        survey.nodes = try data([ProxmoxResource].self, nodes)
        survey.storages = try data([ProxmoxStorage].self, storages)
        survey.interfaces = try data([ProxmoxNetworkInterface].self, network)
        survey.templateConfig = try data(ProxmoxVMConfig.self, templateConfig)
        return survey
    }

    /// A `create_vm` item for the lab cluster; `section` is the `proxmox` section's JSON.
    static func item(section: String = #"{"engine":"lab","node":"pve1","storage":"local-lvm"}"#,
                     name: String = "app01", template: String = "redos8-template", cores: Int = 4, memoryGB: Int = 8,
                     disks: [DiskSpec] = [DiskSpec(sizeGB: 40, mountPoint: "/", sparse: true),
                                          DiskSpec(sizeGB: 100, mountPoint: "/data", sparse: true)],
                     vlan: Int = 2921) throws -> ProvisioningItem {
        let vm = VMSpec(name: name, hostname: "\(name).lab.example", cores: cores, memoryGB: memoryGB, disks: disks,
                        template: template, nicName: "eth0", address: "10.29.21.10", netmask: "255.255.255.0",
                        gateway: "10.29.21.1", dnsServers: ["10.0.0.2", "10.0.0.3"])
        return ProvisioningItem(index: 0, action: .createVM, meta: RequestMeta(documentNum: "6666", owner: "ops"),
                                engine: "lab", section: try JSONParser.parse(Array(section.utf8)), sectionName: "proxmox",
                                vlan: VLANSpec(name: "vlan\(vlan)", id: vlan), vm: vm)
    }
}
