"""Shortest vouch paths to the seeds and the two-hop neighbourhood picture."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from muster.domain.errors import InputError
from muster.domain.trust import VouchGraph, neighbourhood_svg, score, shortest_paths_to_seeds

from .conftest import SEEDS


class TestShortestPaths:
    def test_the_path_runs_from_the_seed_along_the_vouches(self, honest_chain):
        (path,) = shortest_paths_to_seeds(honest_chain, "c2", ["seed"])
        assert path.nodes == ("seed", "c1", "c2")
        assert path.hops == 2
        assert path.describe() == "vouched by c1 (strength 1), who was vouched by seed seed (strength 1)"

    def test_all_shortest_paths_are_returned_up_to_the_limit_in_id_order(self):
        graph = VouchGraph.from_edges([("s", "a"), ("s", "b"), ("a", "x"), ("b", "x"), ("s", "c"), ("c", "d"),
                                       ("d", "x")])
        paths = shortest_paths_to_seeds(graph, "x", ["s"])
        assert [p.nodes for p in paths] == [("s", "a", "x"), ("s", "b", "x")]
        assert len(shortest_paths_to_seeds(graph, "x", ["s"], limit=1)) == 1

    def test_the_nearest_of_several_seeds_wins(self, honest_chain):
        (path,) = shortest_paths_to_seeds(honest_chain, "c4", ["seed", "c2"])
        assert path.nodes == ("c2", "c3", "c4")

    def test_a_seed_is_its_own_path(self, honest_chain):
        (path,) = shortest_paths_to_seeds(honest_chain, "seed", ["seed"])
        assert path.nodes == ("seed",) and path.describe() == "is a seed"

    def test_direction_matters_unless_told_otherwise(self, honest_chain):
        assert shortest_paths_to_seeds(honest_chain, "c1", ["c3"]) == []
        (path,) = shortest_paths_to_seeds(honest_chain, "c1", ["c3"], directed=False)
        assert path.nodes == ("c3", "c2", "c1")

    def test_an_unknown_node_is_an_input_error_and_unknown_seeds_are_ignored(self, honest_chain):
        with pytest.raises(InputError):
            shortest_paths_to_seeds(honest_chain, "ghost", ["seed"])
        assert shortest_paths_to_seeds(honest_chain, "c1", ["ghost"]) == []


class TestNeighbourhoodSvg:
    def test_the_picture_is_well_formed_svg_with_the_two_hop_neighbourhood(self, honest_chain):
        svg = neighbourhood_svg(honest_chain, "c2", score(honest_chain, ["seed"]))
        root = ET.fromstring(svg)
        ids = {g.get("data-id") for g in root.iter("{http://www.w3.org/2000/svg}g")}
        assert ids == {"seed", "c1", "c2", "c3", "c4"}

    def test_flagged_nodes_and_seeds_are_marked(self, honest_with_ring):
        svg = neighbourhood_svg(honest_with_ring, "f0", score(honest_with_ring, SEEDS))
        root = ET.fromstring(svg)
        classes = {g.get("data-id"): g.get("class") for g in root.iter("{http://www.w3.org/2000/svg}g")}
        assert "flagged" in classes["f1"] and "focus" in classes["f0"]
        assert "flagged" not in classes["h5"]
        svg_seed = neighbourhood_svg(honest_with_ring, "h1", score(honest_with_ring, SEEDS))
        assert 'class="node seed" data-id="h0"' in svg_seed

    def test_ids_are_escaped(self):
        graph = VouchGraph.from_edges([("<b>&", "x")])
        svg = neighbourhood_svg(graph, "x")
        assert "<b>&" not in svg and "&lt;b&gt;&amp;" in svg
        ET.fromstring(svg)

    def test_the_picture_is_capped(self, honest_with_ring):
        svg = neighbourhood_svg(honest_with_ring, "h0", max_nodes=5)
        assert svg.count("<circle") == 5

    def test_an_unknown_node_is_an_input_error(self, honest_chain):
        with pytest.raises(InputError):
            neighbourhood_svg(honest_chain, "ghost")
