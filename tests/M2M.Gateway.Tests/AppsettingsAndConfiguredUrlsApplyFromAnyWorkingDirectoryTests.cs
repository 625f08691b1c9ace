using System.Text.RegularExpressions;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 11 item 6: the gateway reads the appsettings.json next to its DLL whatever the working
/// directory (its console format, one line per event with a UTC timestamp, shows it was read), and
/// listens where ASPNETCORE_URLS, DOTNET_URLS or --urls say, never on its default address instead.
/// </summary>
public class AppsettingsAndConfiguredUrlsApplyFromAnyWorkingDirectoryTests
{
    [Theory]
    [InlineData("another folder", "ASPNETCORE_URLS")]
    [InlineData("another folder", "DOTNET_URLS")]
    [InlineData("another folder", "--urls")]
    [InlineData("the gateway's folder", "ASPNETCORE_URLS")]
    public async Task ListensWhereTheUrlsSayAndLogsAsItsAppsettingsSay(string workingDirectory, string urlsFrom)
    {
        var elsewhere = Directory.CreateTempSubdirectory("m2m-cwd-").FullName;
        var url = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        try
        {
            // Returns once /health answers at url.
            await using var gateway = await GatewayProcess.StartAsync(new GatewayProcess.Launch
            {
                WorkingDirectory = workingDirectory == "another folder" ? elsewhere : AppContext.BaseDirectory,
                Urls = [url],
                UrlsVariable = urlsFrom.StartsWith("--", StringComparison.Ordinal) ? null : urlsFrom,
            });

            var listening = new Regex(
                @"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info: Microsoft\.Hosting\.Lifetime\[\d+\] Now listening on: " + Regex.Escape(url.GetLeftPart(UriPartial.Authority)) + "$");
            await Eventually.ValueAsync(() => gateway.Output, listening.IsMatch, $"a line matching {listening} in the gateway's output");
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }
}
