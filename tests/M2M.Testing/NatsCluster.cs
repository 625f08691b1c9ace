using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace M2M.Testing;

/// <summary>
/// A real three-node NATS cluster with JetStream (Debian package nats-server) on 127.0.0.1, for one
/// test: each node has its own client, cluster (route) and monitoring port, server name and store
/// folder, and routes to the other two. A node can be killed with SIGKILL (a crash: no shutdown,
/// no snapshot) and started again on the same ports and store. Start and restart return once the
/// cluster is ready: every running node answers its health check and JetStream has elected a meta
/// leader, so streams and key-value buckets can be created at once.
/// </summary>
public sealed class NatsCluster : IAsyncDisposable
{
    /// <summary>The cluster name every node is started with.</summary>
    public const string Name = "m2m";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly string _directory;
    private readonly Node[] _nodes;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private NatsCluster(string directory, int size)
    {
        _directory = directory;
        _nodes = new Node[size];
        for (var i = 0; i < size; i++)
        {
            _nodes[i] = new Node($"n{i + 1}", LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free(), Path.Combine(directory, $"n{i + 1}"));
        }
    }

    /// <summary>How many nodes the cluster has.</summary>
    public int Count => _nodes.Length;

    /// <summary>The client URL of node <paramref name="i"/> (0-based).</summary>
    public string Url(int i) => $"nats://127.0.0.1:{_nodes[i].ClientPort}";

    /// <summary>Every node's client URL, comma-separated (what Gateway:Cluster:Nats takes).</summary>
    public string Urls => string.Join(',', Enumerable.Range(0, Count).Select(Url));

    /// <summary>The server name of node <paramref name="i"/> (n1, n2, n3).</summary>
    public string ServerName(int i) => _nodes[i].Name;

    /// <summary>True while node <paramref name="i"/> runs.</summary>
    public bool IsRunning(int i) => _nodes[i].Process is { HasExited: false };

    /// <summary>Starts a cluster of <paramref name="size"/> nodes (3 by default) and waits until it is ready.</summary>
    public static async Task<NatsCluster> StartAsync(int size = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var cluster = new NatsCluster(Directory.CreateTempSubdirectory("m2m-nats-cluster-").FullName, size);
        try
        {
            for (var i = 0; i < size; i++)
            {
                cluster.Launch(i);
            }

            await cluster.WaitUntilReadyAsync().ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills node <paramref name="i"/> with SIGKILL, as a crash would; its store stays.</summary>
    public void Kill(int i)
    {
        var process = _nodes[i].Process;
        if (process is { HasExited: false })
        {
            // Process.Kill sends SIGKILL on Linux: the server gets no chance to flush or say goodbye.
            process.Kill();
            process.WaitForExit();
        }

        process?.Dispose();
        _nodes[i].Process = null;
    }

    /// <summary>Starts node <paramref name="i"/> again on its ports and store, and waits until the cluster is ready.</summary>
    public async Task StartAgainAsync(int i)
    {
        if (IsRunning(i))
        {
            throw new InvalidOperationException($"NATS node {_nodes[i].Name} is still running.");
        }

        Launch(i);
        await WaitUntilReadyAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until every running node reports itself healthy (JetStream current) and JetStream's
    /// meta group has a leader that all of them agree on.
    /// </summary>
    public Task WaitUntilReadyAsync() =>
        Eventually.TrueAsync(IsReadyAsync, "the NATS cluster to be ready (every running node healthy, one JetStream meta leader)", ReadyTimeout);

    public ValueTask DisposeAsync()
    {
        for (var i = 0; i < _nodes.Length; i++)
        {
            Kill(i);
        }

        _http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A store file still being closed by the kernel: the temp folder is cleaned later.
        }

        return ValueTask.CompletedTask;
    }

    private void Launch(int i)
    {
        var node = _nodes[i];
        var routes = string.Join(',', _nodes.Where(n => n != node).Select(n => $"nats://127.0.0.1:{n.ClusterPort}"));
        string[] arguments =
        [
            "-a", "127.0.0.1", "-p", Text(node.ClientPort), "-m", Text(node.MonitorPort),
            "-n", node.Name, "--cluster_name", Name,
            "--cluster", $"nats://127.0.0.1:{node.ClusterPort}",
            .. _nodes.Length > 1 ? new[] { "--routes", routes } : [],
            "-js", "-sd", node.Store,
        ];
        var process = Process.Start(new ProcessStartInfo("nats-server", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("nats-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        node.Process = process;
    }

    private async Task<bool> IsReadyAsync()
    {
        string? leader = null;
        foreach (var node in _nodes)
        {
            if (node.Process == null)
            {
                continue;
            }

            if (node.Process.HasExited)
            {
                throw new InvalidOperationException($"nats-server {node.Name} exited with code {node.Process.ExitCode}");
            }

            try
            {
                // /healthz answers 200 once the server's JetStream is current with the meta group.
                using var health = await _http.GetAsync(new Uri($"http://127.0.0.1:{node.MonitorPort}/healthz")).ConfigureAwait(false);
                if (!health.IsSuccessStatusCode)
                {
                    return false;
                }

                using var jsz = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{node.MonitorPort}/jsz")).ConfigureAwait(false));
                if (!jsz.RootElement.TryGetProperty("meta_cluster", out var meta) || !meta.TryGetProperty("leader", out var found)
                    || found.GetString() is not { Length: > 0 } name || (leader != null && leader != name))
                {
                    return false;
                }

                leader = name;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        }

        return leader != null;
    }

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    private sealed class Node(string name, int clientPort, int clusterPort, int monitorPort, string store)
    {
        public string Name { get; } = name;

        public int ClientPort { get; } = clientPort;

        public int ClusterPort { get; } = clusterPort;

        public int MonitorPort { get; } = monitorPort;

        public string Store { get; } = store;

        public Process? Process { get; set; }
    }
}
