"""hubmetrics: a reach-and-goals dashboard for England's music education hubs."""
