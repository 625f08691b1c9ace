using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using M2M.Cli.Common;

namespace M2M.Cli.Admin;

/// <summary>
/// The gateway's admin API (docs/admin-api.md) over HTTP. A refusal (RFC 9457 problem details)
/// becomes a <see cref="CliException"/> with the exit code for its status and the problem's text.
/// </summary>
public sealed class AdminClient : IDisposable
{
    private readonly HttpClient _http;

    public AdminClient(Uri gateway, string adminKey, X509Certificate2Collection? trustedCa = null)
    {
        _http = new HttpClient(GatewayHttp.CreateHandler(trustedCa)) { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
    }

    /// <summary>A client for the command's gateway and admin key; with <paramref name="trustedCa"/>, the gateway's certificate must chain to it.</summary>
    public static AdminClient For(CommandContext context, X509Certificate2Collection? trustedCa = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new AdminClient(context.GatewayUrl, context.AdminKey(), trustedCa);
    }

    /// <summary>Sends a request; returns the JSON body, or null for 204.</summary>
    public async Task<JsonElement?> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body != null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response.StatusCode == HttpStatusCode.NoContent ? null : Parse(text, response.StatusCode);
        }

        throw Refusal(response.StatusCode, text);
    }

    public void Dispose() => _http.Dispose();

    private static JsonElement Parse(string text, HttpStatusCode status)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.GatewayError, $"the gateway answered {(int)status} with a body that is not JSON");
        }
    }

    private static CliException Refusal(HttpStatusCode status, string text)
    {
        string? code = null;
        string? detail = null;
        try
        {
            using var problem = JsonDocument.Parse(text);
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                code = problem.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
                detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString()
                    : problem.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
            }
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's page, say): the status alone is reported.
        }

        var exitCode = status switch
        {
            HttpStatusCode.Unauthorized => ExitCodes.Unauthorized,
            HttpStatusCode.Forbidden => ExitCodes.Forbidden,
            HttpStatusCode.NotFound => ExitCodes.NotFound,
            HttpStatusCode.Conflict => ExitCodes.Conflict,
            HttpStatusCode.BadRequest => ExitCodes.InvalidInput,
            _ => ExitCodes.GatewayError,
        };
        var message = status == HttpStatusCode.Unauthorized
            ? "the gateway refused the admin key (401)"
            : $"{detail ?? "the gateway answered " + (int)status}" + (code == null ? string.Empty : $" ({code})");
        return new CliException(exitCode, message);
    }
}
