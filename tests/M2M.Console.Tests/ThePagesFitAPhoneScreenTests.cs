using M2M.Console.Tests.Support;
using M2M.Testing;
using Microsoft.Playwright;

namespace M2M.Console.Tests;

/// <summary>
/// The main pages fit a phone's screen (390 CSS pixels wide): the page itself never scrolls
/// sideways, only a wide table inside its own frame. Each page is also captured at desktop and phone
/// width; with <c>M2M_CONSOLE_SCREENSHOTS</c> set to a folder the captures are written there (how the
/// pictures in docs/console.md are made: <c>M2M_CONSOLE_SCREENSHOTS=$PWD/docs/console</c>).
/// </summary>
public sealed class ThePagesFitAPhoneScreenTests : ConsoleTest
{
    [Fact]
    public async Task NoMainPageScrollsSidewaysOnAPhone()
    {
        var secret = await Gateway.AddDeviceAsync("meter-0001", "acme", "meter");
        for (var i = 2; i <= 6; i++)
        {
            await Gateway.AddDeviceAsync($"meter-{i:0000}", i % 2 == 0 ? "acme" : "globex", "meter");
        }

        using var device = SimulatedDevice.Start(Gateway, "meter-0001", secret);
        device.Publish("""{"kwh":12.5,"grid":{"volts":229}}""");
        await Eventually.TrueAsync(() => device.Acknowledged == 1, "the first PUBACK");

        var folder = Environment.GetEnvironmentVariable("M2M_CONSOLE_SCREENSHOTS") ?? Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var desktop = await Browser.NewPageAsync(Gateway);
        var phone = await Browser.NewPageAsync(Gateway, 390, 844);
        await Capture(desktop, folder, "sign-in", "/console/sign-in");
        foreach (var page in new[] { desktop, phone })
        {
            await ConsoleBrowser.SignInAsync(page, Gateway.AdminKey);
        }

        var pages = new (string Name, string Path)[]
        {
            ("fleet", "/console"),
            ("device", "/console/devices/meter-0001"),
            ("gateway", "/console/gateway"),
            ("audit", "/console/audit"),
            ("register", "/console/register"),
        };
        foreach (var (name, path) in pages)
        {
            await phone.GotoAsync(path);
            var overflow = await phone.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"{path} is {overflow} px wider than a phone's screen");
            await phone.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}-phone.png"), FullPage = true });
        }

        // The device page with its live chart drawn from a few messages.
        await desktop.GotoAsync("/console/devices/meter-0001");
        await Assertions.Expect(desktop.Locator("[data-live]")).ToHaveAttributeAsync("data-state", "open");
        for (var i = 0; i < 8; i++)
        {
            device.Publish($$$"""{"kwh":{{{12.5 + (i * 0.4)}}},"grid":{"volts":{{{229 + (i % 3)}}}}}""");
            await Assertions.Expect(desktop.Locator("figure.chart[data-field='kwh']")).ToHaveAttributeAsync("data-count", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await desktop.ScreenshotAsync(new() { Path = Path.Combine(folder, "device.png"), FullPage = true });
        foreach (var (name, path) in pages.Where(p => p.Name != "device"))
        {
            await Capture(desktop, folder, name, path);
        }
    }

    private static async Task Capture(IPage page, string folder, string name, string path)
    {
        await page.GotoAsync(path);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }
}
