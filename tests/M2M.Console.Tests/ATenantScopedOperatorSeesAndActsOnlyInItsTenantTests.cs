using System.Net;
using System.Text.Json;
using M2M.Console.Tests.Support;
using Microsoft.Playwright;

namespace M2M.Console.Tests;

/// <summary>
/// A key scoped to one tenant signs in and the console shows and does only what concerns that
/// tenant, as the admin API does for the same key: the fleet lists its tenant's devices, another
/// tenant's device page (and its live stream) is answered 404 as if absent, an action forged on it is
/// refused the same way and changes nothing, a registration in another tenant is refused with
/// <c>other_tenant</c>, the audit page shows its tenant's lines only, and the gateway-wide figures
/// (rates, sinks) are not shown. Within its tenant it acts.
/// </summary>
public sealed class ATenantScopedOperatorSeesAndActsOnlyInItsTenantTests : ConsoleTest
{
    [Fact]
    public async Task OnlyItsTenantsDevicesAreShownAndChanged()
    {
        await Gateway.AddDeviceAsync("acme-0001", "acme");
        await Gateway.AddDeviceAsync("globex-0001", "globex");
        var (operatorId, operatorKey) = await Gateway.Api.CreateKeyAsync("acme operations", ["operator"], "acme");
        var page = await Browser.NewPageAsync(Gateway);
        await ConsoleBrowser.SignInAsync(page, operatorKey);

        // The fleet page is rendered whole on the server: once acme's row is there, globex's would be too.
        await Assertions.Expect(page.Locator("tr[data-device='acme-0001']")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("tr[data-device='globex-0001']").CountAsync());
        await Assertions.Expect(page.Locator("#registered")).ToContainTextAsync("acme");
        await page.GotoAsync("/console?tenant=globex");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fleet" })).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("tr[data-device]").CountAsync());

        // Another tenant's device does not exist for this key: its page, its live stream, a forged action.
        var other = await page.GotoAsync("/console/devices/globex-0001");
        Assert.Equal((int)HttpStatusCode.NotFound, other!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("device_not_found");
        var live = await page.APIRequest.GetAsync("/console/devices/globex-0001/live");
        Assert.Equal((int)HttpStatusCode.NotFound, live.Status);
        var token = await page.Locator("input[name='__csrf']").First.GetAttributeAsync("value");
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("__csrf", token!);
        var forged = await page.APIRequest.PostAsync("/console/devices/globex-0001?handler=disable", new() { Form = form });
        Assert.Equal((int)HttpStatusCode.NotFound, forged.Status);
        var globex = JsonDocument.Parse(await Gateway.Admin.GetStringAsync(new Uri("/admin/v1/devices/globex-0001", UriKind.Relative))).RootElement;
        Assert.True(globex.GetProperty("enabled").GetBoolean());

        // Within its tenant the operator acts.
        await page.GotoAsync("/console/devices/acme-0001?confirm=disable");
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, disable" }).ClickAsync();
        await Assertions.Expect(page.Locator("#device-status")).ToHaveTextAsync("disabled");

        // A registration in another tenant is refused as the admin API refuses it; the form starts with its own tenant.
        await page.GotoAsync("/console/register");
        await Assertions.Expect(page.GetByLabel("Tenant")).ToHaveValueAsync("acme");
        await page.GetByLabel("Device id").FillAsync("globex-0002");
        await page.GetByLabel("Tenant").FillAsync("globex");
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("other_tenant");

        // The audit log shows acme's lines: the disable just done, not the admin's registration of globex-0001.
        await page.GotoAsync("/console/audit");
        var rows = page.Locator("tbody tr");
        await Assertions.Expect(rows.Filter(new() { HasText = "device.disable" })).ToContainTextAsync("acme-0001");
        Assert.DoesNotContain("globex-0001", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        // The gateway page keeps the figures of every tenant to global keys.
        await page.GotoAsync("/console/gateway");
        await Assertions.Expect(page.Locator("#scope-note")).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByRole(AriaRole.Heading, new() { Name = "Sinks" }).CountAsync());

        Assert.Contains(Gateway.AuditLines(), l => l.GetProperty("action").GetString() == "device.disable" && l.GetProperty("actor").GetString() == operatorId
            && l.TryGetProperty("tenant", out var tenant) && tenant.GetString() == "acme" && l.GetProperty("outcome").GetString() == "ok");
    }
}
