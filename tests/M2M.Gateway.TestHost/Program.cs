using M2M.Gateway.TestHost;

// Usage: M2M.Gateway.TestHost --TestWorld <world.json> [gateway configuration arguments...]
var config = new ConfigurationBuilder().AddCommandLine(args).Build();
var world = TestWorld.Load(config["TestWorld"] ?? throw new ArgumentException("--TestWorld <path> is required"));
TestGateway.Build(args, world).Run();
