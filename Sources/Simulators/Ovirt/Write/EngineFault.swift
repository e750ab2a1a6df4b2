import Foundation
import HTTPTypes

/// A failed write, answered as the engine answers it: a status and a
/// `<fault><reason/><detail/></fault>` body (or no body at all).
///
/// Command validation failures carry the translated messages as Java's
/// `List.toString()` (`[msg]`); REST-layer failures (missing parameters,
/// entity lookups) carry a bare detail. The texts below are the engine's own
/// (`AppErrors.properties` with `${action}`/`${type}` filled in; ErrorType
/// → status from `EngineMessage.java` and `ErrorMessageHelper.java`).
struct EngineFault: Error, Sendable {
    var status: HTTPResponse.Status
    var reason: String = "Operation Failed"
    /// nil for an empty body (the REST layer's plain 404).
    var detail: String?

    /// A validation failure of an engine command: `[message]`.
    static func validation(_ status: HTTPResponse.Status, _ messages: String...) -> EngineFault {
        EngineFault(status: status, detail: "[" + messages.joined(separator: ", ") + "]")
    }

    static func conflict(_ message: String) -> EngineFault { validation(.conflict, message) }
    static func badRequest(_ message: String) -> EngineFault { validation(.badRequest, message) }

    /// `CompletenessAssertor`: 400 "Incomplete parameters", `Vm [name] required for add`.
    static func incomplete(_ type: String, _ missing: [String], for method: String) -> EngineFault {
        EngineFault(
            status: .badRequest,
            reason: "Incomplete parameters",
            detail: "\(type) [\(missing.joined(separator: ", "))] required for \(method)"
        )
    }

    /// `BackendResource.getEntity` with a missing entity: 404 with
    /// "Entity not found: IDENTIFIER" (the identifier is the query name or
    /// `Cluster: name=X`, as each resource passes it).
    static func entityNotFound(_ identifier: String) -> EngineFault {
        EngineFault(status: .notFound, detail: "Entity not found: \(identifier)")
    }

    /// A 404 without a body (unknown ids in the path, `notFound(Class)`).
    static let notFound = EngineFault(status: .notFound, detail: nil)

    /// A body the simulator cannot read.
    static func malformed(_ message: String) -> EngineFault {
        EngineFault(status: .badRequest, detail: "[\(message)]")
    }
}

/// The engine's messages used by the write side, with their variables filled.
enum EngineMessages {
    static func nameInUse(action: String, type: String) -> String {
        "Cannot \(action) \(type). The \(type) name is already in use, please choose a unique name and try again."
    }

    static func nameTooLong(action: String, type: String) -> String {
        "Cannot \(action) \(type). The given name is too long."
    }

    static func nameEmpty(action: String, type: String) -> String {
        "Can not \(action) \(type). The given name is empty."
    }

    static func nameSpecialCharacters(action: String, type: String) -> String {
        "Can not \(action) \(type). The given name contains special characters. Only lower-case and upper-case letters, numbers, '_', '-', '.' are allowed."
    }

    static func networkNameInUse(_ name: String) -> String {
        "Cannot add Network. The name of the logical network '\(name)' is already used by an existing logical network in the same data-center.\n-Please choose a different name."
    }

    static let vlanOutOfRange = "VLAN ID must be a number between 0 and 4094."
    static let networkAlreadyAttachedToCluster = "Logical Network is already attached to Cluster."

    static func networkInUse(action: String, byVMs names: [String]) -> String {
        if names.count == 1 {
            return "Cannot \(action) Network. This logical network is used by virtual machine: \(names[0])\n - Please remove it from this virtual machine and try again."
        }
        return "Cannot \(action) Network. This logical network is used by virtual machines: (\(names.count)): \(names.joined(separator: ", "))\n - Please detach virtual machines using this logical network and try again."
    }

    static func managementNetworkMandatory(_ name: String) -> String {
        "The Management Network ('\(name)') is mandatory and cannot be removed."
    }

    static func vnicProfileNameInUse(action: String) -> String {
        "Cannot \(action) VM network interface profile. The VM network interface profile's name is already used by an existing profile for the same network.\n-Please choose a different name."
    }

    static func networkNotInCluster(_ name: String) -> String {
        "Logical Network '\(name)' does not exist in Cluster."
    }

    static func networkIDNotExists(_ id: String) -> String { "Logical Network (id '\(id)') doesn't exist." }
    static func networkNameNotExists(_ name: String) -> String { "Logical Network (name '\(name)') doesn't exist." }

    static func hostNicNotExists(id: String?, name: String?) -> String {
        "Cannot setup Networks. The host network interface (id \(id ?? "null"), name \(name ?? "null")) does not exist."
    }

    static func attachmentOnSlaveOrVlan(network: String, nic: String) -> String {
        "Cannot setup Networks. Cannot create Network Attachment directly on slave or vlan interface. Network name = '\(network)', Network interface name = '\(nic)'."
    }

    static func untaggedNotExclusive(_ nics: [String]) -> String {
        "Cannot setup Networks. At most one VLAN-untagged Logical Network is allowed on a NIC (optionally in conjunction with several VLAN Logical Networks). The following Network Interfaces violate that rule: \(nics.joined(separator: ", "))."
    }

    static func vlanInUse(_ vlan: Int) -> String { "The specified VLAN ID (\(vlan)) is already in use." }

    static func attachmentsToRemoveDoNotExist(_ ids: [String]) -> String {
        "Cannot setup Networks. Cannot remove following Network Attachments, because they do not exist: \(ids.joined(separator: ", "))."
    }

    static func vmStatusIllegal(action: String, type: String, status: String) -> String {
        "Cannot \(action) \(type) because the VM is in \(status) status."
    }

    static func vmLocked(action: String, type: String) -> String {
        "Cannot \(action) \(type): VM is locked. Please try again in a few minutes."
    }

    static func vmRunning(action: String) -> String { "Cannot \(action) VM. VM is running." }
    static func vmNotUp(action: String) -> String { "Cannot \(action) VM. VM is not up." }

    /// `ACTION_TYPE_FAILED_OBJECT_LOCKED`: another operation holds the object's exclusive lock.
    static func objectLocked(action: String, type: String) -> String {
        "Cannot \(action) \(type). Related operation is currently in progress. Please try again later."
    }

    static func vmSavingRestoring(action: String) -> String {
        "Cannot \(action) VM. VM is in saving/restoring state.\n-Please try again when the VM is either up or down."
    }

    /// `ACTION_TYPE_FAILED_DELETE_PROTECTION_ENABLED`.
    static let deleteProtectionEnabled =
        "Cannot remove VM. Delete protection is enabled. In order to delete, disable Delete protection first."
    /// `VM_CANNOT_REMOVE_VM_WHEN_STATUS_IS_NOT_DOWN` (a suspended VM).
    static let removeSuspended = "Cannot remove VM that its state is not down.\n-Please stop the VM first."
    /// `VM_CANNOT_REMOVE_WITH_DETACH_DISKS_BASED_ON_TEMPLATE`.
    static let removeDetachBasedOnTemplate = "Cannot remove VM with detaching disks, VM is based from template."
    static func vmNotRunning(action: String) -> String { "Cannot \(action) VM. VM is not running." }

    static func disksLocked(action: String, aliases: [String]) -> String {
        "Cannot \(action) VM: The following disks are locked: \(aliases.joined(separator: ", ")). Please try again in a few minutes."
    }

    static func diskConfigurationNotSupported(format: String, type: String) -> String {
        "Cannot add Virtual Disk. Disk configuration (\(format) \(type) backup-None) is incompatible with the storage domain type."
    }

    static let storageDomainNotSpecified = "Cannot add Virtual Disk. Storage Domain hasn't been specified."
    static let diskSizeTooSmall = "Cannot edit Virtual Disk. New disk size must be larger than the current disk size."
    static let diskSizeZero = "Cannot add Virtual Disk. Disk's provisioned size has to be greater than 0."
    static let interfaceNameInUse = "Network interface name is already in use"

    /// The localized VM status the engine puts in `${vmStatus}` (`VAR__VM_STATUS__*`).
    static func localizedStatus(_ status: String) -> String {
        switch status {
        case "image_locked": "Image Locked"
        case "wait_for_launch": "Wait for Launch"
        case "powering_up": "Powering Up"
        case "powering_down": "Powering Down"
        case "up": "Up"
        case "down": "Down"
        case "suspended": "Suspended"
        case "reboot_in_progress": "Reboot in Progress"
        case "saving_state": "Saving State"
        case "restoring_state": "Restoring State"
        case "not_responding": "Not Responding"
        case "image_illegal": "Image Illegal"
        default: status.capitalized
        }
    }
}
