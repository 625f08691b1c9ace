namespace M2M.Console.Tests.Support;

/// <summary>What every console test starts with: the real gateway process and Debian's chromium, both stopped after the test.</summary>
public abstract class ConsoleTest : IAsyncLifetime
{
    protected ConsoleGateway Gateway { get; private set; } = null!;

    protected ConsoleBrowser Browser { get; private set; } = null!;

    /// <summary>Configuration the test's gateway starts with, on its command line (none by default).</summary>
    protected virtual string[] GatewayArguments => [];

    public async Task InitializeAsync()
    {
        Gateway = await ConsoleGateway.StartAsync(GatewayArguments);
        Browser = await ConsoleBrowser.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Gateway.DisposeAsync();
    }
}
