"""One module per source: its adapter (fetch, paging, cursor), its pure parse of a payload into
`Mention`s, and `build_source`, the factory the registry (`domain.source_registry`) names."""
