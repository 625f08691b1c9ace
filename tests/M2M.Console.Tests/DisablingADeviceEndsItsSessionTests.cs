using M2M.Console.Tests.Support;
using M2M.Testing;
using Microsoft.Playwright;

namespace M2M.Console.Tests;

/// <summary>
/// Disabling a device from its page (after the confirmation) ends its live session at once: the page,
/// watching live, shows the session ending with reason <c>device_disabled</c>, the fleet shows it
/// disabled, and the action is in the audit log with the admin key's id as actor, as an admin API call is.
/// </summary>
public sealed class DisablingADeviceEndsItsSessionTests : ConsoleTest
{
    [Fact]
    public async Task TheConfirmedDisableEndsTheSessionAndIsAudited()
    {
        var secret = await Gateway.AddDeviceAsync("pump-0001");
        using var device = SimulatedDevice.Start(Gateway, "pump-0001", secret);
        device.Publish("""{"rpm":1200}""");
        await Eventually.TrueAsync(() => device.Acknowledged == 1, "the first PUBACK");

        var page = await Browser.NewPageAsync(Gateway);
        await ConsoleBrowser.SignInAsync(page, Gateway.AdminKey);
        await page.GotoAsync("/console/devices/pump-0001");
        await Assertions.Expect(page.Locator("#device-status")).ToHaveTextAsync("connected");
        await Assertions.Expect(page.Locator("[data-live]")).ToHaveAttributeAsync("data-state", "open");

        // The action asks first; cancelling changes nothing.
        await page.GetByRole(AriaRole.Link, new() { Name = "Disable" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Disable pump-0001?" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(page.Locator("#device-status")).ToHaveTextAsync("connected");
        Assert.DoesNotContain(Gateway.AuditLines(), l => l.GetProperty("action").GetString() == "device.disable");

        // A second tab keeps watching the device live while the first one acts.
        var watcher = await page.Context.NewPageAsync();
        await watcher.GotoAsync("/console/devices/pump-0001");
        await Assertions.Expect(watcher.Locator("[data-live]")).ToHaveAttributeAsync("data-state", "open");

        await page.GetByRole(AriaRole.Link, new() { Name = "Disable" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, disable" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Disabled");
        await Assertions.Expect(page.Locator("#device-status")).ToHaveTextAsync("disabled");

        // The watching tab sees the session end because of the action.
        await Assertions.Expect(watcher.Locator(".live-log")).ToContainTextAsync("session ended: device_disabled");
        await Assertions.Expect(watcher.Locator("#device-status")).ToHaveTextAsync("offline");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("section[aria-labelledby='sessions-title'] tbody tr").First).ToContainTextAsync("device_disabled");

        var audited = Gateway.AuditLines().Single(l => l.GetProperty("action").GetString() == "device.disable");
        Assert.Equal("pump-0001", audited.GetProperty("deviceId").GetString());
        Assert.Equal("ok", audited.GetProperty("outcome").GetString());
        Assert.StartsWith("ak-", audited.GetProperty("actor").GetString(), StringComparison.Ordinal);

        await page.GotoAsync("/console?status=Disabled");
        await Assertions.Expect(page.Locator("tr[data-device='pump-0001'] .badge")).ToHaveTextAsync("disabled");
    }
}
