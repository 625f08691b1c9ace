using M2M.Console.Tests.Support;
using M2M.Testing;
using Microsoft.Playwright;

namespace M2M.Console.Tests;

/// <summary>
/// Registering a device in the console shows its secret once; a device core given that secret gets
/// a token and connects, and the fleet shows it connected. A registration the admin API would refuse
/// is refused with the same problem code; the secret is not shown again on the device's page.
/// </summary>
public sealed class ADeviceRegisteredInTheConsoleConnectsWithItsSecretTests : ConsoleTest
{
    [Fact]
    public async Task TheSecretShownOnceLetsTheDeviceConnect()
    {
        var page = await Browser.NewPageAsync(Gateway);
        await ConsoleBrowser.SignInAsync(page, Gateway.AdminKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "Register" }).ClickAsync();

        // A tenant the admin API refuses is refused here with the same code.
        await page.GetByLabel("Device id").FillAsync("valve-0003");
        await page.GetByLabel("Tenant").FillAsync("bad tenant!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("invalid_tenant");

        await page.GetByLabel("Tenant").FillAsync("acme");
        await page.GetByLabel("Roles").FillAsync("valve, field");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        var secretText = (await page.Locator("#device-secret").TextContentAsync())!.Trim();
        Assert.Equal(43, secretText.Length);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy the secret" })).ToBeVisibleAsync();

        using var device = SimulatedDevice.Start(Gateway, "valve-0003", System.Buffers.Text.Base64Url.DecodeFromChars(secretText));
        device.Publish("""{"open":1}""");
        await Eventually.TrueAsync(() => device.Acknowledged == 1, "the PUBACK of the device registered in the console");

        await page.GotoAsync("/console?q=valve");
        var row = page.Locator("tr[data-device='valve-0003']");
        await Assertions.Expect(row.Locator(".badge")).ToHaveTextAsync("connected");
        await Assertions.Expect(row).ToContainTextAsync("valve, field");

        await page.GotoAsync("/console/devices/valve-0003");
        Assert.DoesNotContain(secretText, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.Contains(Gateway.AuditLines(), l => l.GetProperty("action").GetString() == "device.add" && l.GetProperty("outcome").GetString() == "invalid_tenant");
        Assert.Contains(Gateway.AuditLines(), l => l.GetProperty("action").GetString() == "device.add" && l.GetProperty("deviceId").GetString() == "valve-0003" && l.GetProperty("outcome").GetString() == "ok");
    }
}
