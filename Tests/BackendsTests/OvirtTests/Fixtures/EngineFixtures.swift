/// Engine answers in the shapes the real engine produces (Jackson, `INDENT_OUTPUT`, NON_NULL):
/// 32-bit ints and booleans as strings, longs and dates as numbers, collections keyed by the
/// singular name, `{}` for an empty collection, nested lists keeping their wrapper.
enum EngineFixtures {
    /// Two VMs: one running with guest-reported addresses (ints as strings), one down with
    /// numbers where the first has strings, and most optional fields missing.
    static let vms = """
    {
      "vm" : [ {
        "href" : "/ovirt-engine/api/vms/123",
        "id" : "123",
        "name" : "web-001",
        "description" : "frontend",
        "comment" : "owner: web",
        "fqdn" : "web-001.lab.local",
        "status" : "up",
        "stateless" : "false",
        "memory" : 4294967296,
        "creation_time" : 1472564909990,
        "cpu" : {
          "architecture" : "x86_64",
          "topology" : {
            "cores" : "2",
            "sockets" : "2",
            "threads" : "1"
          }
        },
        "os" : {
          "boot" : { "devices" : { "device" : [ "hd" ] } },
          "type" : "rhel_8x64"
        },
        "cluster" : { "href" : "/ovirt-engine/api/clusters/c1", "id" : "c1" },
        "host" : { "href" : "/ovirt-engine/api/hosts/h1", "id" : "h1" },
        "template" : { "href" : "/ovirt-engine/api/templates/t1", "id" : "t1" },
        "reported_devices" : {
          "reported_device" : [ {
            "href" : "/ovirt-engine/api/vms/123/reporteddevices/d1",
            "id" : "d1",
            "name" : "eth0",
            "type" : "network",
            "mac" : { "address" : "56:6f:00:00:01:aa" },
            "ips" : {
              "ip" : [ { "address" : "10.15.10.2", "version" : "v4" }, { "address" : "fe80::1", "version" : "v6" } ]
            }
          }, {
            "id" : "d2",
            "name" : "lo",
            "ips" : { }
          } ]
        },
        "actions" : { "link" : [ { "href" : "/ovirt-engine/api/vms/123/start", "rel" : "start" } ] },
        "link" : [ { "href" : "/ovirt-engine/api/vms/123/nics", "rel" : "nics" } ]
      }, {
        "href" : "/ovirt-engine/api/vms/456",
        "id" : "456",
        "name" : "db-002",
        "status" : "down",
        "memory" : "8589934592",
        "creation_time" : "1472564909990",
        "stateless" : false,
        "cpu" : { "topology" : { "cores" : 4, "sockets" : 1, "threads" : 2 } },
        "cluster" : { "href" : "/ovirt-engine/api/clusters/c1", "id" : "c1" },
        "template" : { "href" : "/ovirt-engine/api/templates/00000000-0000-0000-0000-000000000000", "id" : "00000000-0000-0000-0000-000000000000" },
        "reported_devices" : { }
      } ]
    }
    """

    static let emptyCollection = "{ }"

    static let hosts = """
    {
      "host" : [ {
        "href" : "/ovirt-engine/api/hosts/h1",
        "id" : "h1",
        "name" : "e15-host01",
        "address" : "e15-host01.lab.local",
        "status" : "up",
        "comment" : "rack 3",
        "memory" : 549755813888,
        "cpu" : {
          "name" : "Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz",
          "speed" : "3000",
          "topology" : { "cores" : "24", "sockets" : "2", "threads" : "2" },
          "type" : "Intel Cascadelake Server Family"
        },
        "os" : { "type" : "RHEL", "version" : { "full_version" : "8.6 - 1.el8", "major" : "8", "minor" : "6" } },
        "summary" : { "active" : "5", "migrating" : "0", "total" : "6" },
        "cluster" : { "href" : "/ovirt-engine/api/clusters/c1", "id" : "c1" }
      }, {
        "id" : "h2",
        "name" : "e15-host02",
        "status" : "maintenance",
        "summary" : { "active" : 0, "migrating" : 0, "total" : 0 },
        "cluster" : { "id" : "c1" }
      } ]
    }
    """

    static let clusters = """
    {
      "cluster" : [ {
        "href" : "/ovirt-engine/api/clusters/c1",
        "id" : "c1",
        "name" : "Default",
        "description" : "The default server cluster",
        "ballooning_enabled" : "false",
        "threads_as_cores" : "false",
        "cpu" : { "architecture" : "x86_64", "type" : "Intel Cascadelake Server Family" },
        "version" : { "major" : "4", "minor" : "7" },
        "data_center" : { "href" : "/ovirt-engine/api/datacenters/dc1", "id" : "dc1" },
        "custom_scheduling_policy_properties" : { "property" : [ { "name" : "HighUtilization", "value" : "80" } ] }
      }, {
        "id" : "c2",
        "name" : "Empty",
        "data_center" : { "id" : "dc1" }
      } ]
    }
    """

    static let dataCenters = """
    { "data_center" : [ { "href" : "/ovirt-engine/api/datacenters/dc1", "id" : "dc1", "name" : "Default", "local" : "false", "status" : "up" } ] }
    """

    static let templates = """
    { "template" : [ { "id" : "00000000-0000-0000-0000-000000000000", "name" : "Blank" }, { "id" : "t1", "name" : "template-packer-redos8" } ] }
    """

    static let apiRoot = """
    {
      "product_info" : {
        "name" : "oVirt Engine",
        "vendor" : "ovirt.org",
        "version" : { "build" : "6", "full_version" : "4.5.5-1.el8", "major" : "4", "minor" : "5", "revision" : "0" }
      },
      "summary" : {
        "hosts" : { "active" : "2", "total" : "3" },
        "storage_domains" : { "active" : "1", "total" : "1" },
        "users" : { "active" : "1", "total" : "1" },
        "vms" : { "active" : "900", "total" : "1200" }
      },
      "time" : 1735689600000,
      "authenticated_user" : { "href" : "/ovirt-engine/api/users/u1", "id" : "u1" },
      "link" : [ { "href" : "/ovirt-engine/api/vms", "rel" : "vms" } ]
    }
    """

    static let faultJSON = """
    { "reason" : "Operation Failed", "detail" : "[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]" }
    """

    static let faultXML = """
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <fault>
        <reason>Operation Failed</reason>
        <detail>[Cannot edit VM. Snapshot &apos;a&apos; &amp; &lt;b&gt; is being created.]</detail>
    </fault>
    """

    static let ssoToken = """
    {"access_token":"fqbR1ftzh8wBCviLxJcYuV5oSDI=","token_type":"bearer","scope":"ovirt-app-api","exp":"9223372036854775807"}
    """

    /// `scope=ovirt-app-api`: `error_code` is the code, `error` the message.
    static let ssoErrorAppScope = """
    {"error_code":"access_denied","error":"Cannot authenticate user 'admin@internal': The username or password is incorrect.."}
    """

    /// Other scopes (OpenID style): `error` is the code, `error_description` the message.
    static let ssoErrorOpenID = """
    {"error":"invalid_grant","error_description":"The provided authorization grant for the username and password has expired."}
    """

    static let proxyErrorPage = """
    <!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
    <html><head><title>503 Service Unavailable</title></head><body>
    <h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p>
    </body></html>
    """
}
