"""Pure analyses over the resource graph: network segmentation, SPOFs, blast radius, cost."""
