using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace M2M.Gateway.Relay.Postgres;

/// <summary>
/// Writes one row per record into a PostgreSQL table (docs/sinks.md, "PostgreSQL"), keyed by
/// (device, generation, epoch, seq): the records of a batch are gathered in <see cref="DeliverAsync"/>
/// and inserted by one statement at <see cref="FlushAsync"/> (<c>INSERT ... SELECT FROM unnest(...)</c>,
/// one array parameter per column), <c>ON CONFLICT DO NOTHING</c>, so a batch the relay repeats
/// after a crash or a failure adds nothing twice. The statement commits on its own: a batch is in the
/// table whole or not at all. Errors are named by their SQLSTATE, never by the connection string.
/// </summary>
public sealed class PostgresSink(PostgresSinkOptions options) : IRecordSink
{
    private readonly string _table = $"{options.Schema}.{options.Table}";
    private readonly Rows _rows = new();
    private NpgsqlDataSource? _dataSource;

    public string Name => PostgresSinkKind.SinkName;

    public async Task<long> RecoverPositionAsync(CancellationToken cancellationToken)
    {
        _rows.Clear();
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            CommandTimeout = (int)options.CommandTimeout.TotalSeconds,
            ApplicationName = "m2m-gateway",
        };
        _dataSource = NpgsqlDataSource.Create(builder);
        await Execute(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await PostgresSchema.MigrateAsync(connection, options.Schema, options.Table, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);

        // The relay's saved position says where to resume; the unique key drops what it repeats.
        return 0;
    }

    public ValueTask DeliverAsync(RelayEvent relayEvent, CancellationToken cancellationToken)
    {
        var record = RelayRecord.Read(relayEvent, "postgres");

        _rows.Add(record);
        return ValueTask.CompletedTask;
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_rows.Count == 0)
        {
            return;
        }

        await Execute(async () =>
        {
            await using var command = _dataSource!.CreateCommand(
                $"""
                INSERT INTO {_table} (device, generation, epoch, seq, tenant, stream, topic, device_time, gateway_time,
                                      content_type, payload, data, device_sig, gateway_sig, leaf_index, audit_path, gateway_position)
                SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[],
                                     $8::timestamptz[], $9::timestamptz[], $10::text[], $11::jsonb[], $12::bytea[], $13::text[],
                                     $14::text[], $15::bigint[], $16::text[], $17::bigint[])
                ON CONFLICT (device, generation, epoch, seq) DO NOTHING
                """);
            _rows.Bind(command.Parameters);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        _rows.Clear();
    }

    public async ValueTask CloseAsync()
    {
        _rows.Clear();
        if (_dataSource != null)
        {
            var dataSource = _dataSource;
            _dataSource = null;
            await dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs a database step; a failure fails the sink as a whole (the relay reopens it and repeats
    /// the batch, which the unique key makes harmless), named <c>postgres {SQLSTATE}</c>
    /// (28P01: the password was refused; 57P03: the server is starting) or <c>postgres unreachable</c>.
    /// </summary>
    private static async Task Execute(Func<Task> step)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (PostgresException exception)
        {
            throw new SinkFailureException($"postgres {exception.SqlState}", exception);
        }
        catch (NpgsqlException exception)
        {
            throw new SinkFailureException(exception.InnerException is SocketException socket ? $"postgres {socket.SocketErrorCode}" : "postgres unreachable", exception);
        }
    }

    /// <summary>A batch's rows, column by column, for the unnest insert.</summary>
    private sealed class Rows
    {
        private readonly List<string> _device = [], _tenant = [], _stream = [], _topic = [], _deviceSig = [], _gatewaySig = [], _auditPath = [];
        private readonly List<long> _generation = [], _epoch = [], _seq = [], _leafIndex = [], _position = [];
        private readonly List<DateTime?> _deviceTime = [];
        private readonly List<DateTime> _gatewayTime = [];
        private readonly List<string?> _contentType = [], _payload = [];
        private readonly List<byte[]> _data = [];

        public int Count => _device.Count;

        public void Add(RelayRecord record)
        {
            _device.Add(record.Device);
            _generation.Add(record.Generation);
            _epoch.Add(record.Epoch);
            _seq.Add(record.Sequence);
            _tenant.Add(record.Tenant);
            _stream.Add(record.Stream);
            _topic.Add(record.Subject);
            _deviceTime.Add(record.DeviceTime == 0 ? null : DateTime.UnixEpoch.AddMilliseconds(record.DeviceTime));
            _gatewayTime.Add(DateTime.UnixEpoch.AddMilliseconds(record.GatewayTime));
            _contentType.Add(record.ContentType);
            _payload.Add(JsonText(record.Data));
            _data.Add(record.Data);
            _deviceSig.Add(record.DeviceSignature);
            _gatewaySig.Add(record.GatewaySignature);
            _leafIndex.Add(record.LeafIndex);
            _auditPath.Add(record.AuditPath);
            _position.Add(record.Position);
        }

        public void Bind(NpgsqlParameterCollection parameters)
        {
            parameters.Add(new NpgsqlParameter { Value = _device.ToArray() });
            parameters.Add(new NpgsqlParameter { Value = _generation.ToArray() });
            parameters.Add(new NpgsqlParameter { Value = _epoch.ToArray() });
            parameters.Add(new NpgsqlParameter { Value = _seq.ToArray() });
            parameters.Add(new NpgsqlParameter { Value = _tenant.ToArray() });
            parameters.Add(new NpgsqlParameter { Value = _stream.ToArray() });
            parameters.Add(new NpgsqlParameter { Value = _topic.ToArray() });
            parameters.Add(new NpgsqlParameter { Value = _deviceTime.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            parameters.Add(new NpgsqlParameter { Value = _gatewayTime.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            parameters.Add(new NpgsqlParameter { Value = _contentType.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            parameters.Add(new NpgsqlParameter { Value = _payload.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            parameters.Add(new NpgsqlParameter { Value = _data.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            parameters.Add(new NpgsqlParameter { Value = _deviceSig.ToArray() });
            parameters.Add(new NpgsqlParameter { Value = _gatewaySig.ToArray() });
            parameters.Add(new NpgsqlParameter { Value = _leafIndex.ToArray() });
            parameters.Add(new NpgsqlParameter { Value = _auditPath.ToArray() });
            parameters.Add(new NpgsqlParameter { Value = _position.ToArray() });
        }

        public void Clear()
        {
            foreach (var list in new System.Collections.IList[] { _device, _tenant, _stream, _topic, _deviceSig, _gatewaySig, _auditPath, _generation, _epoch, _seq, _leafIndex, _position, _deviceTime, _gatewayTime, _contentType, _payload, _data })
            {
                list.Clear();
            }
        }

        /// <summary>
        /// The payload as JSON text for the <c>payload</c> column when it is one UTF-8 JSON value
        /// PostgreSQL's jsonb accepts (no <c>\u0000</c>, which jsonb refuses); null otherwise
        /// (<c>data</c> always holds the exact bytes).
        /// </summary>
        private static string? JsonText(byte[] data)
        {
            if (data.Length == 0 || data.AsSpan().IndexOf("\\u0000"u8) >= 0)
            {
                return null;
            }

            try
            {
                var reader = new Utf8JsonReader(data);
                reader.Read();
                reader.Skip();
                return reader.Read() ? null : System.Text.Encoding.UTF8.GetString(data);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
