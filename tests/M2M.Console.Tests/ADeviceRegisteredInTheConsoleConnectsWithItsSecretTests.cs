using System.Buffers.Text;
using System.IO.Compression;
using M2M.Console.Tests.Support;
using M2M.Device.Core.App;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Host.Provisioning;
using M2M.Device.Core.Storage;
using M2M.Testing;
using Microsoft.Playwright;

namespace M2M.Console.Tests;

/// <summary>
/// Registering a device in the console shows its secret once, with a copy button and a download of
/// the provisioning files; a device core provisioned from those files (loaded by its own
/// CredentialStore) gets a token and connects, and the fleet shows it connected. A registration the admin API would refuse
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
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy the secret" }).ClickAsync();
        Assert.Equal(secretText, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));

        // The provisioning files: what m2m device provision writes to a board, loaded by the device core's own code.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download the provisioning files" }).ClickAsync());
        Assert.Equal("valve-0003-provisioning.zip", download.SuggestedFilename);
        var folder = Directory.CreateTempSubdirectory("m2m-console-download-").FullName;
        DeviceCredential? credential;
        try
        {
            var zip = Path.Combine(folder, download.SuggestedFilename);
            await download.SaveAsAsync(zip);
            var drive = Path.Combine(folder, "I");
            var files = new HostFileStore(drive);
            ZipFile.ExtractToDirectory(zip, drive);
            Assert.Equal(
                new[] { CredentialStore.SlotA, CredentialStore.SlotB, DeviceConfig.FileName, ProvisioningFiles.CaCertificateName }.Order(StringComparer.Ordinal).ToArray(),
                Directory.GetFiles(drive).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray());
            credential = new CredentialStore(files).Load();
            Assert.NotNull(DeviceConfig.Parse(files.ReadAll(DeviceConfig.FileName)).Config);
            Assert.Equal(Gateway.CaPem, File.ReadAllText(Path.Combine(drive, ProvisioningFiles.CaCertificateName)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Assert.NotNull(credential);
        Assert.Equal("valve-0003", credential.DeviceId);
        Assert.Equal(secretText, Base64Url.EncodeToString(credential.Secret));
        Assert.Equal(Gateway.TokenEndpoint, credential.TokenEndpoint);
        using var device = SimulatedDevice.Start(credential);
        device.Publish("""{"open":1}""");
        await Eventually.TrueAsync(() => device.Acknowledged == 1, "the PUBACK of the device registered in the console, provisioned from its download");

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
