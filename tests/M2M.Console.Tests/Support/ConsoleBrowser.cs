using Microsoft.Playwright;

namespace M2M.Console.Tests.Support;

/// <summary>
/// Debian's chromium (package chromium, tests/debian-packages.txt) driven by Playwright, headless.
/// Playwright's own browser download is not used: the tests run where only Debian and NuGet are
/// reachable. The gateway's development certificate is not in the browser's trust store, so HTTPS
/// errors are ignored for the loopback gateway only.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    /// <summary>Where Debian installs chromium.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<ConsoleBrowser> StartAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (bash tests/run does, as root).");
        }

        var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox"],
        }).ConfigureAwait(false);
        return new ConsoleBrowser(playwright, browser);
    }

    /// <summary>A fresh browser context (its own cookies) and a page in it, for <paramref name="gateway"/>.</summary>
    public async Task<IPage> NewPageAsync(ConsoleGateway gateway, int width = 1280, int height = 900)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = gateway.HttpsAddress.ToString(),
            IgnoreHTTPSErrors = true,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            // The copy buttons write to the clipboard, which the tests read back.
            Permissions = ["clipboard-read", "clipboard-write"],
        }).ConfigureAwait(false);
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync().ConfigureAwait(false);
    }

    /// <summary>Opens the console and signs in with <paramref name="key"/>.</summary>
    public static async Task SignInAsync(IPage page, string key)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync("/console").ConfigureAwait(false);
        await page.GetByLabel("Admin API key").FillAsync(key).ConfigureAwait(false);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync().ConfigureAwait(false);
        _playwright.Dispose();
    }
}
