using System.Net;
using System.Text.Json;
using M2M.Console.Tests.Support;
using Microsoft.Playwright;

namespace M2M.Console.Tests;

/// <summary>
/// A key with the viewer role signs in and sees the fleet and a device, but is offered no action;
/// a POST forged with its own session and antiforgery token is refused by the server with the admin
/// API's 403 problem (<c>missing_role</c>), audited as the admin API audits it, and changes nothing.
/// </summary>
public sealed class AViewerKeySeesButCannotActTests : ConsoleTest
{
    [Fact]
    public async Task TheActionsAreHiddenAndAForgedPostIsRefusedAsTheAdminApiRefusesIt()
    {
        await Gateway.AddDeviceAsync("meter-0101");
        var (viewerId, viewerKey) = await Gateway.Api.CreateKeyAsync("night shift", ["viewer"]);
        var page = await Browser.NewPageAsync(Gateway);
        await ConsoleBrowser.SignInAsync(page, viewerKey);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fleet" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("tr[data-device='meter-0101']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".who")).ToContainTextAsync("view only");

        // No action is offered, not even through the confirmation's address.
        await page.GotoAsync("/console/devices/meter-0101?confirm=disable");
        await Assertions.Expect(page.Locator("#device-status")).ToHaveTextAsync("offline");
        Assert.Equal(0, await page.GetByRole(AriaRole.Heading, new() { Name = "Actions" }).CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Yes, disable" }).CountAsync());

        // A POST forged with the viewer's own session and antiforgery token: the server refuses it.
        var token = await page.Locator("input[name='__csrf']").First.GetAttributeAsync("value");
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("__csrf", token!);
        var forged = await page.APIRequest.PostAsync("/console/devices/meter-0101?handler=disable", new() { Form = form });
        Assert.Equal((int)HttpStatusCode.Forbidden, forged.Status);
        Assert.Contains("missing_role", await forged.TextAsync(), StringComparison.Ordinal);

        // The register page shows the same problem instead of its form, and its forged POST is refused too.
        await page.GotoAsync("/console/register");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("missing_role");
        Assert.Equal(0, await page.GetByLabel("Device id").CountAsync());
        form.Set("DeviceId", "meter-0102");
        form.Set("Tenant", "acme");
        var forgedAdd = await page.APIRequest.PostAsync("/console/register", new() { Form = form });
        Assert.Equal((int)HttpStatusCode.Forbidden, forgedAdd.Status);

        // The admin API answers the same key with the same code.
        using var api = Gateway.Api.ClientWith(viewerKey);
        using var apiAnswer = await api.PostAsync(new Uri("/admin/v1/devices/meter-0101/disable", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Forbidden, apiAnswer.StatusCode);
        Assert.Equal("missing_role", JsonDocument.Parse(await apiAnswer.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());

        // Nothing changed, and each refusal is in the audit log with the viewer's key as actor.
        var device = JsonDocument.Parse(await Gateway.Admin.GetStringAsync(new Uri("/admin/v1/devices/meter-0101", UriKind.Relative))).RootElement;
        Assert.True(device.GetProperty("enabled").GetBoolean());
        using var absent = await Gateway.Admin.GetAsync(new Uri("/admin/v1/devices/meter-0102", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
        var denied = Gateway.AuditLines().Where(l => l.GetProperty("action").GetString() == "access.denied" && l.GetProperty("actor").GetString() == viewerId).ToList();
        Assert.Equal(3, denied.Count);
        Assert.All(denied, l => Assert.Equal("missing_role", l.GetProperty("outcome").GetString()));
        Assert.DoesNotContain(Gateway.AuditLines(), l => l.GetProperty("action").GetString() is "device.disable" or "device.add" && l.GetProperty("actor").GetString() == viewerId);
    }
}
