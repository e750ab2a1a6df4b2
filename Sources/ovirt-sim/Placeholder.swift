// placeholder until the simulator command lands
