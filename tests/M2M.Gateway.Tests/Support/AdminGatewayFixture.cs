namespace M2M.Gateway.Tests.Support;

/// <summary>One gateway process shared by the tests of a class.</summary>
public sealed class AdminGatewayFixture : IAsyncLifetime
{
    private AdminGateway? _gateway;

    public AdminGateway Gateway => _gateway ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _gateway = await AdminGateway.StartAsync();

    public async Task DisposeAsync()
    {
        if (_gateway != null)
        {
            await _gateway.DisposeAsync();
        }
    }
}
