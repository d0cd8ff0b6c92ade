"""Local stand-ins for every source's API, one module per source (its `route`, named in the registry,
`domain.source_registry`), served together by `fakes.server.FakeSources` over one world (`fakes.world`)."""
