using M2M.Console.Tests.Support;
using M2M.Device.Core.App;
using M2M.Device.Core.Host.App;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using Microsoft.Playwright;
using DeviceCredential = M2M.Device.Core.Storage.DeviceCredential;

namespace M2M.Console.Tests;

/// <summary>
/// The device page acts on a device running the real device core (the host build's device
/// application, its command processor and secret rotation): a ping sent from the page (after its
/// confirmation) reaches the device, whose signed answer shows on the page without a reload; an
/// over-the-air rotation started from the page follows its states to <c>completed</c> and the
/// device's replay mark moves to the new credential generation. Both are audited as the admin API's
/// calls are, with the signed-in key's id as actor.
/// </summary>
public sealed class ACommandAndAnOverTheAirRotationStartedInTheConsoleReachTheDeviceTests : ConsoleTest, IDisposable
{
    private const string DeviceId = "meter-0001";
    private readonly string _drive = Directory.CreateTempSubdirectory("m2m-device-").FullName;

    [Fact]
    public async Task ThePingIsAnsweredAndTheRotationCompletesOnThePage()
    {
        var secret = await Gateway.AddDeviceAsync(DeviceId);
        RunningDevice.Provision(
            _drive,
            new DeviceCredential(DeviceId, secret, Gateway.TokenEndpoint, "127.0.0.1", Gateway.MqttPort) { CaCertificatePem = Gateway.CaPem, MqttTls = false },
            new DeviceConfig { TelemetryIntervalSeconds = 1 });
        var restart = new CountingRestart();
        var first = RunningDevice.Boot(_drive, restart);
        RunningDevice? second = null;
        try
        {
            await Eventually.TrueAsync(() => first.App.Session!.Acknowledged > 0, "the device publishes");
            var page = await Browser.NewPageAsync(Gateway);
            await ConsoleBrowser.SignInAsync(page, Gateway.AdminKey);
            await page.GotoAsync($"/console/devices/{DeviceId}");
            await Assertions.Expect(page.Locator("#device-status")).ToHaveTextAsync("connected");
            await Assertions.Expect(page.Locator("#replay-mark")).ToContainTextAsync("generation 1: epoch 1, sequence");

            // A ping, reviewed then confirmed.
            await page.GetByLabel("Command", new() { Exact = true }).SelectOptionAsync("ping");
            await page.GetByRole(AriaRole.Button, new() { Name = "Review the command" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Send ping to {DeviceId}?" })).ToBeVisibleAsync();
            Assert.Equal("[]", await Gateway.Admin.GetStringAsync(new Uri($"/admin/v1/devices/{DeviceId}/commands", UriKind.Relative)));
            await page.GetByRole(AriaRole.Button, new() { Name = "Yes, send ping" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Command queued");

            // The page follows the command until the device's signed answer is recorded.
            var ping = page.Locator("tr[data-command='1']");
            await Assertions.Expect(ping.Locator(".status")).ToHaveTextAsync("ok");
            await Assertions.Expect(ping.Locator(".answer")).ToContainTextAsync("epoch=1");

            // An over-the-air rotation: offered, proved, and completed once the device restarts into S'.
            await page.GetByRole(AriaRole.Link, new() { Name = "Rotate over the air" }).ClickAsync();
            await page.GetByLabel("Deadline in seconds").FillAsync("600");
            await page.GetByRole(AriaRole.Button, new() { Name = "Yes, rotate over the air" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Over-the-air rotation started");
            var rotation = page.Locator("tr[data-rotation='2']");
            await Assertions.Expect(rotation.Locator(".status")).ToHaveTextAsync("proved");
            await Eventually.TrueAsync(() => restart.Restarts == 1, "the device restarts after its answer");
            first.Dispose();
            second = RunningDevice.Boot(_drive, restart);
            await Assertions.Expect(rotation.Locator(".status")).ToHaveTextAsync("completed");

            await Eventually.TrueAsync(() => second.App.Session!.Acknowledged > 0, "the device publishes under S'");
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("#replay-mark")).ToContainTextAsync("generation 2: epoch");

            // The picture of docs/console.md (M2M_CONSOLE_SCREENSHOTS, as ThePagesFitAPhoneScreenTests).
            if (Environment.GetEnvironmentVariable("M2M_CONSOLE_SCREENSHOTS") is { Length: > 0 } folder)
            {
                await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "device-commands.png"), FullPage = true });
            }

            var actions = Gateway.AuditLines().Where(l => l.TryGetProperty("deviceId", out var id) && id.GetString() == DeviceId).ToList();
            var queued = actions.Single(l => l.GetProperty("action").GetString() == "command.queue");
            Assert.Equal("ok", queued.GetProperty("outcome").GetString());
            Assert.StartsWith("ak-", queued.GetProperty("actor").GetString(), StringComparison.Ordinal);
            Assert.Contains(actions, l => l.GetProperty("action").GetString() == "device.rotate" && l.GetProperty("outcome").GetString() == "ok");
        }
        finally
        {
            first.Dispose();
            second?.Dispose();
        }
    }

    public void Dispose() => Directory.Delete(_drive, true);
}
