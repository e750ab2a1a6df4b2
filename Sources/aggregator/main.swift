print("aggregator")
