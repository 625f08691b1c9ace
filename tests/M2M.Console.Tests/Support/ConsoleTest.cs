namespace M2M.Console.Tests.Support;

/// <summary>What every console test starts with: the real gateway process and Debian's chromium, both stopped after the test.</summary>
public abstract class ConsoleTest : IAsyncLifetime
{
    protected ConsoleGateway Gateway { get; private set; } = null!;

    protected ConsoleBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Gateway = await ConsoleGateway.StartAsync();
        Browser = await ConsoleBrowser.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Gateway.DisposeAsync();
    }
}
