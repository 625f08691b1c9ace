using M2M.Console.Tests.Support;
using M2M.Testing;
using Microsoft.Playwright;

namespace M2M.Console.Tests;

/// <summary>
/// A device core that connects shows up in the fleet as connected (since when, from which address,
/// its messages of the last hour), and its page charts its telemetry live: each signed message it
/// publishes adds a point to the chart of each numeric field, over Server-Sent Events, with no reload.
/// </summary>
public sealed class AConnectedDeviceShowsItsStatusAndLiveTelemetryTests : ConsoleTest
{
    [Fact]
    public async Task TheFleetShowsItOnlineAndItsPageChartsEachMessage()
    {
        var secret = await Gateway.AddDeviceAsync("meter-0007", "acme", "meter");
        await Gateway.AddDeviceAsync("meter-0008", "acme", "meter");
        var page = await Browser.NewPageAsync(Gateway);
        await ConsoleBrowser.SignInAsync(page, Gateway.AdminKey);
        var row = page.Locator("tr[data-device='meter-0007']");
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("offline");

        using var device = SimulatedDevice.Start(Gateway, "meter-0007", secret);
        device.Publish("""{"kwh":1.5,"grid":{"volts":229}}""");
        await Eventually.TrueAsync(() => device.Acknowledged == 1, "the first PUBACK");

        await page.ReloadAsync();
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("connected");
        await Assertions.Expect(row).ToContainTextAsync("127.0.0.1:");
        await Assertions.Expect(row.Locator("td.num").Nth(1)).ToHaveTextAsync("1");

        // The status filter lists the connected device only.
        await page.GetByLabel("Status").SelectOptionAsync("Connected");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveAttributeAsync("data-device", "meter-0007");

        await row.GetByRole(AriaRole.Link, new() { Name = "meter-0007" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-live]")).ToHaveAttributeAsync("data-state", "open");
        for (var i = 2; i <= 4; i++)
        {
            device.Publish($$$"""{"kwh":{{{i}}}.5,"grid":{"volts":{{{228 + i}}}}}""");
            var count = i - 1;
            await Assertions.Expect(page.Locator("figure.chart[data-field='kwh']")).ToHaveAttributeAsync("data-count", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        await Assertions.Expect(page.Locator("figure.chart[data-field='kwh'] .value")).ToHaveTextAsync("4.5");
        await Assertions.Expect(page.Locator("figure.chart[data-field='grid.volts'] .value")).ToHaveTextAsync("232");
        await Assertions.Expect(page.Locator("figure.chart[data-field='kwh'] polyline")).ToHaveAttributeAsync("points", new System.Text.RegularExpressions.Regex(@"^\S+ \S+ \S+$"));
    }
}
