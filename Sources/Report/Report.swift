// The model report (issue 10): SVG charts and a self-contained HTML page.
