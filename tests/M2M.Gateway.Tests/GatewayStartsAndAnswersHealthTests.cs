using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>The gateway starts on its embedded defaults and answers its health check over a real socket.</summary>
public class GatewayStartsAndAnswersHealthTests
{
    [Fact]
    public async Task HealthAnswersHealthy()
    {
        await using var gateway = await GatewayProcess.StartAsync();
        using var client = new HttpClient { BaseAddress = gateway.BaseAddress };

        var body = await client.GetStringAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal("Healthy", body);
    }
}
