using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace M2M.Testing;

/// <summary>
/// A real Prometheus (Debian package <c>prometheus</c>) on 127.0.0.1 with a free port, its remote
/// write receiver on (<c>--web.enable-remote-write-receiver</c>), no scrape targets and its TSDB in a
/// temporary folder. It can be stopped and started again on the same port and data (a backend that is
/// down for a while); disposing kills it and deletes the folder.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("m2m-prometheus-").FullName;
    private readonly int _port = LoopbackPort.Free();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private Process? _process;

    private PrometheusServer()
    {
        File.WriteAllText(Path.Combine(_folder, "prometheus.yml"), "global:\n  scrape_interval: 1h\n");
        BaseAddress = new Uri($"http://127.0.0.1:{_port}/");
    }

    public Uri BaseAddress { get; }

    /// <summary>The remote write endpoint.</summary>
    public Uri WriteUrl => new(BaseAddress, "api/v1/write");

    public static async Task<PrometheusServer> StartAsync()
    {
        var server = new PrometheusServer();
        try
        {
            await server.StartAgainAsync().ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) and waits until it is ready.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo("prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _folder,
        };
        foreach (var argument in new[]
        {
            $"--config.file={Path.Combine(_folder, "prometheus.yml")}",
            $"--storage.tsdb.path={Path.Combine(_folder, "data")}",
            $"--web.listen-address=127.0.0.1:{_port}",
            "--web.enable-remote-write-receiver",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start (apt-get install prometheus).");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.TrueAsync(IsReadyAsync, "prometheus to be ready", TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }

    /// <summary>Stops the server (SIGKILL: a crash, as a backend outage is) and waits for its exit.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>
    /// Every sample of the series <paramref name="selector"/> selects over the last
    /// <paramref name="window"/>, by series (its labels) through the HTTP API's instant query of a
    /// range vector (PromQL <c>selector[window]</c>).
    /// </summary>
    public async Task<IReadOnlyList<PrometheusSeries>> SamplesAsync(string selector, TimeSpan window)
    {
        var query = $"{selector}[{(int)window.TotalSeconds}s]";
        using var document = await QueryAsync(query).ConfigureAwait(false);
        var series = new List<PrometheusSeries>();
        foreach (var item in document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = item.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var values = item.GetProperty("values").EnumerateArray()
                .Select(v => ((long)Math.Round(v[0].GetDouble() * 1000), double.Parse(v[1].GetString()!, CultureInfo.InvariantCulture)))
                .ToList();
            series.Add(new PrometheusSeries(labels, values));
        }

        return series;
    }

    /// <summary>Runs a PromQL instant query and returns the API's answer (status "success" checked).</summary>
    public async Task<JsonDocument> QueryAsync(string promql)
    {
        var url = new Uri(BaseAddress, "api/v1/query?query=" + Uri.EscapeDataString(promql));
        var document = await _http.GetFromJsonAsync<JsonDocument>(url).ConfigureAwait(false)
            ?? throw new InvalidOperationException("prometheus answered nothing");
        if (document.RootElement.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"PromQL {promql} failed: {document.RootElement}");
        }

        return document;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<bool> IsReadyAsync()
    {
        if (_process!.HasExited)
        {
            throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}.");
        }

        try
        {
            using var response = await _http.GetAsync(new Uri(BaseAddress, "-/ready")).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}

/// <summary>One series as a PromQL range query returns it.</summary>
/// <param name="Labels">Its labels, <c>__name__</c> included.</param>
/// <param name="Samples">Its samples: Unix milliseconds and value, oldest first.</param>
public sealed record PrometheusSeries(IReadOnlyDictionary<string, string> Labels, IReadOnlyList<(long Time, double Value)> Samples);
