using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using M2M.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace M2M.Device.Host.Tests;

/// <summary>A Kestrel server on 127.0.0.1 whose POST /oauth2/token answers from a script and records what it got.</summary>
public sealed class LoopbackTokenServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackTokenServer(WebApplication app, string url)
    {
        _app = app;
        TokenEndpoint = url + "/oauth2/token";
    }

    public string TokenEndpoint { get; }

    /// <summary>Answers given in order: status, JSON body, Retry-After (or null), delay before answering.</summary>
    public ConcurrentQueue<(int Status, string Body, string? RetryAfter, TimeSpan Delay)> Answers { get; } = new();

    /// <summary>What each request carried.</summary>
    public ConcurrentQueue<(string ContentType, string? Authorization, IFormCollection Form)> Requests { get; } = new();

    /// <summary>Starts on a free port: plain HTTP, or HTTPS with <paramref name="certificate"/>.</summary>
    public static async Task<LoopbackTokenServer> StartAsync(X509Certificate2? certificate = null)
    {
        var port = LoopbackPort.Free();
        var url = (certificate == null ? "http" : "https") + "://127.0.0.1:" + port;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            if (certificate != null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var server = new LoopbackTokenServer(app, url);
        app.MapPost("/oauth2/token", server.AnswerAsync);
        await app.StartAsync().ConfigureAwait(false);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task AnswerAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        Requests.Enqueue((http.Request.ContentType ?? string.Empty, http.Request.Headers.Authorization.FirstOrDefault(), form));
        if (!Answers.TryDequeue(out var answer))
        {
            answer = (500, "{\"error\":\"server_error\"}", null, TimeSpan.Zero);
        }

        if (answer.Delay > TimeSpan.Zero)
        {
            await Task.Delay(answer.Delay, http.RequestAborted).ConfigureAwait(false);
        }

        http.Response.StatusCode = answer.Status;
        http.Response.ContentType = "application/json";
        if (answer.RetryAfter != null)
        {
            http.Response.Headers.RetryAfter = answer.RetryAfter;
        }

        await http.Response.WriteAsync(answer.Body, http.RequestAborted).ConfigureAwait(false);
    }
}
