using System.Text.Json;
using M2M.Gateway.Tests.Support;
using M2M.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 11 item 7: with an HTTP and an HTTPS address and no Gateway:Issuer, the issuer is derived
/// from the configured addresses, the HTTPS one, on every start, including for a request that
/// arrives while the server is still binding its addresses (the issuer used to come from the
/// addresses bound so far, so about one start in five advertised the HTTP one, and tokens issued
/// before a restart were refused after it).
/// </summary>
public class TheDefaultIssuerIsTheHttpsAddressOnEveryStartTests
{
    private const int Starts = 5;

    [Fact]
    public async Task EveryStartAdvertisesTheHttpsAddressFromItsFirstAnswer()
    {
        var data = Directory.CreateTempSubdirectory("m2m-issuer-").FullName;
        var http = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var https = new Uri($"https://127.0.0.1:{LoopbackPort.Free()}");
        var expected = https.GetLeftPart(UriPartial.Authority);
        try
        {
            for (var start = 1; start <= Starts; start++)
            {
                // Asked from before the process starts, so the first answer is the first the gateway gives.
                var firstAnswer = FirstMetadataAsync(http);
                await using var gateway = await GatewayProcess.StartAsync(new GatewayProcess.Launch { DataDirectory = data, Urls = [http, https] });
                var metadata = await firstAnswer;

                Assert.Equal(expected, metadata.GetProperty("issuer").GetString());
                Assert.Equal(expected + "/oauth2/token", metadata.GetProperty("token_endpoint").GetString());
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<JsonElement> FirstMetadataAsync(Uri http)
    {
        using var client = new HttpClient { BaseAddress = http, Timeout = TimeSpan.FromSeconds(5) };
        var metadata = await Eventually.ValueAsync<JsonElement?>(
            async () =>
            {
                try
                {
                    return await TokenGateway.MetadataAsync(client);
                }
                catch (HttpRequestException)
                {
                    return null;
                }
                catch (TaskCanceledException)
                {
                    return null;
                }
            },
            answer => answer != null,
            "the metadata document",
            TimeSpan.FromSeconds(60));
        return metadata!.Value;
    }
}
