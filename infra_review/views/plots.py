"""Plotly figures of the network analyses (one import for notebooks and reports).

Every builder takes the graph (and optionally the list of :class:`~infra_review.model.Finding`)
and returns a ``plotly.graph_objects.Figure``; none loads files or calls ``.show()``.

- :func:`segmentation_map` — VPC → AZ columns → subnet rows by tier → resources, flows, exposure.
- :func:`topology_graph` — runtime topology, SPOFs ringed, optional blast-radius overlay.
- :func:`az_spread` — resources per tier and AZ.
- :func:`exposure_path_figure` — one internet-exposure path, hop by hop.

>>> sorted(__all__)
['az_spread', 'exposure_path_figure', 'segmentation_map', 'topology_graph']
"""

from __future__ import annotations

from infra_review.views.segmentation import segmentation_map
from infra_review.views.topology import az_spread, exposure_path_figure, topology_graph

__all__ = ["az_spread", "exposure_path_figure", "segmentation_map", "topology_graph"]
