// Graphs drawn with the vendored Cytoscape.js: a trace (addresses and the transfers that carried
// taint) and an applicant cluster (accounts and the identifiers they share). The canvas is for
// the eye; every page that draws one also lists the same edges in a table for the keyboard.

import cytoscape from "./vendor/cytoscape.esm.min.mjs";

const STYLE = [
  {
    selector: "node",
    style: {
      "background-color": "#8aa4c8",
      label: "",
      "font-size": 10,
      "text-wrap": "wrap",
      "text-max-width": 140,
      "text-valign": "bottom",
      "text-margin-y": 4,
      color: "#1b2733",
      width: 18,
      height: 18,
    },
  },
  { selector: "node.labelled, node:selected", style: { label: "data(label)", "font-size": 12, "font-weight": "bold" } },
  { selector: "node.source", style: { "background-color": "#c0392b", width: 28, height: 28, "font-weight": "bold" } },
  { selector: "node.attributed", style: { "border-width": 2, "border-color": "#6c3483" } },
  { selector: "node.main", style: { "border-width": 3, "border-color": "#1f3a5f", "font-weight": "bold" } },
  { selector: "node.bridge", style: { "background-color": "#e67e22", shape: "diamond", width: 26, height: 26 } },
  { selector: "node.exchange", style: { "background-color": "#f1c40f", shape: "round-rectangle" } },
  { selector: "node.mixer", style: { "background-color": "#8e44ad", shape: "hexagon" } },
  { selector: "node.held", style: { "background-color": "#5dade2" } },
  { selector: "node.listed", style: { "background-color": "#c0392b", shape: "star", width: 28, height: 28 } },
  { selector: "node.person", style: { "background-color": "#2e86c1", width: 30, height: 30, "font-size": 12 } },
  {
    selector: "edge",
    style: {
      width: "data(width)",
      "line-color": "#9aa7b4",
      "target-arrow-color": "#9aa7b4",
      "target-arrow-shape": "triangle",
      "curve-style": "bezier",
      label: "",
      "font-size": 8,
      "text-rotation": "autorotate",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.85,
      "text-background-padding": 1,
      color: "#34495e",
    },
  },
  { selector: "edge.labelled, edge:selected", style: { label: "data(label)" } },
  { selector: "edge.main", style: { "line-color": "#1f3a5f", "target-arrow-color": "#1f3a5f" } },
  { selector: "edge.undirected", style: { "target-arrow-shape": "none", "line-color": "#2e86c1", "font-size": 10 } },
  { selector: ":selected", style: { "overlay-color": "#f2b632", "overlay-opacity": 0.35, "overlay-padding": 6 } },
];

/**
 * Draws `elements` in `container`. `onSelect(kind, data)` is called when a node or an edge is
 * tapped. Returns the Cytoscape instance (`select(id)` highlights an element from the table).
 */
export function draw(container, elements, { onSelect, layout, maxZoom = 4 } = {}) {
  const cy = cytoscape({
    container,
    elements,
    style: STYLE,
    wheelSensitivity: 0.3,
    minZoom: 0.05,
    maxZoom,
    // Rings by hop from the source: a trace fans out to a hundred leaves per hop, which a
    // tree layout can only draw as one unreadable line.
    layout: layout || {
      name: "concentric",
      concentric: (n) => 100 - (n.data("depth") ?? 99),
      levelWidth: () => 1,
      minNodeSpacing: 6,
      animate: false,
    },
  });
  cy.on("tap", "node", (e) => onSelect && onSelect("node", e.target.data()));
  cy.on("tap", "edge", (e) => onSelect && onSelect("edge", e.target.data()));
  container.dataset.nodes = String(cy.nodes().length);
  container.dataset.edges = String(cy.edges().length);
  return {
    cy,
    select(id) {
      cy.elements().unselect();
      const el = cy.getElementById(id);
      if (el && el.length) {
        el.select();
        cy.animate({ center: { eles: el }, duration: 200 });
      }
    },
  };
}
