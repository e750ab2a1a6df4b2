print("ovirt-sim")
