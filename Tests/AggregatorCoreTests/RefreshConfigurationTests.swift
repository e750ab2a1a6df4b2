import Foundation
import Testing

@testable import AggregatorCore

@Suite("Configuration: how the live model keeps an engine current (defaults and per engine)")
struct RefreshConfigurationTests {
    let loader = ConfigurationLoader(knownKinds: ["ovirt"])

    private func file(defaults: String = "", engine: String = "") -> String {
        """
        defaults:
          password_env: OVIRT_PASSWORD
        \(defaults)
        backends:
          - name: e15
            type: ovirt
            url: https://e15.example/ovirt-engine/api
        \(engine)
        """
    }

    @Test("defaults: consistency probe 60 s, guest addresses at 10 s, 30 s, 2 min and swept every 5 min, probe cache 5 s")
    func defaults() throws {
        let refresh = try #require(try loader.parse(file(), file: "backends.yaml").backends.first).refresh
        #expect(refresh.consistencyProbe == .seconds(60))
        #expect(refresh.guestAddressRereads == [.seconds(10), .seconds(30), .seconds(120)])
        #expect(refresh.guestAddressSweep == .seconds(300))
        #expect(refresh.probeCache == .seconds(5))
        #expect(refresh.refreshMinInterval == .seconds(10))
    }

    @Test("defaults apply to every engine, and an engine's own keys win; 0 turns a probe off")
    func keysAreRead() throws {
        let text = file(defaults: "  consistency_probe: 2s\n  guest_ip_rereads: [1s, 2s]\n  probe_cache: 1s",
                        engine: "    consistency_probe: 0\n    guest_ip_sweep: off\n    refresh_min_interval: 500ms")
        let refresh = try #require(try loader.parse(text, file: "backends.yaml").backends.first).refresh
        #expect(refresh.consistencyProbe == .zero)
        #expect(refresh.guestAddressRereads == [.seconds(1), .seconds(2)])
        #expect(refresh.guestAddressSweep == .zero)
        #expect(refresh.probeCache == .seconds(1))
        #expect(refresh.refreshMinInterval == .milliseconds(500))
    }

    @Test("bad values name the key", arguments: [
        ("  consistency_probe: 500ms", "defaults.consistency_probe"),
        ("  consistency_probe: soon", "consistency_probe"),
        ("  guest_ip_rereads: [30s, 10s]", "defaults.guest_ip_rereads"),
        ("  guest_ip_rereads: [10ms]", "defaults.guest_ip_rereads"),
        ("  probe_cache: 2h", "defaults.probe_cache"),
        ("  refresh_min_interval: 2h", "defaults.refresh_min_interval"),
    ])
    func badValues(defaults: String, key: String) {
        let found = loader.problems(in: file(defaults: defaults))
        #expect(found.contains { $0.contains(key) }, "\(found)")
    }
}

extension ConfigurationLoader {
    /// The problems the loader reports for `text`, one line each; empty when it loads.
    func problems(in text: String) -> [String] {
        do {
            _ = try parse(text, file: "backends.yaml")
            return []
        } catch let error as ConfigurationErrors {
            return error.errors.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }
}
