"""Stage 3, annotate: gold layers checked (validate, consistency), measured (agreement), proposed and edited (Label Studio)."""
