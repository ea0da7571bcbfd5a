using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Doctolib.Telehealth.EndToEnd.Tests.Support;

/// <summary>A minimal WebDriver BiDi client (W3C WebDriver BiDi: JSON commands with an id over one WebSocket, answered by
/// a message with the same id; events have a <c>method</c> and no id). Only what the Firefox tests use. Written here
/// because PuppeteerSharp 25.15.0, the one version the registry serves, fails at its first command against the one
/// WebDriverBiDi version served with it (0.0.63 instead of 0.0.61: MissingMethodException).</summary>
internal sealed class BiDiConnection : IAsyncDisposable
{
    private readonly ClientWebSocket socket = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> pending = new();
    private readonly CancellationTokenSource stopping = new();
    private Task? reader;
    private long nextId;

    private BiDiConnection()
    {
    }

    /// <summary>Called for each event (method, params) on the reader's thread.</summary>
    public event Action<string, JsonElement>? EventReceived;

    public static async Task<BiDiConnection> ConnectAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        var connection = new BiDiConnection();
        await connection.socket.ConnectAsync(endpoint, cancellationToken);
        connection.reader = connection.ReadAsync();
        return connection;
    }

    /// <summary>Sends a command and returns its <c>result</c>; a BiDi error answer throws with its error and message.</summary>
    public async Task<JsonElement> SendAsync(string method, JsonObject parameters, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref nextId);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = answer;
        var command = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        var bytes = Encoding.UTF8.GetBytes(command.ToJsonString());
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            return await answer.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            pending.TryRemove(id, out _);
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var received = await socket.ReceiveAsync(buffer, stopping.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }
                Dispatch(message.ToArray());
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        foreach (var waiting in pending.Values)
        {
            waiting.TrySetException(new InvalidOperationException("The WebDriver BiDi connection to the browser closed."));
        }
    }

    private void Dispatch(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.Clone();
        if (root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.Number
            && pending.TryGetValue(idElement.GetInt64(), out var answer))
        {
            if (root.TryGetProperty("type", out var type) && type.GetString() == "error")
            {
                answer.TrySetException(new InvalidOperationException(
                    $"WebDriver BiDi error {root.GetProperty("error").GetString()}: {root.GetProperty("message").GetString()}"));
            }
            else
            {
                answer.TrySetResult(root.GetProperty("result"));
            }
        }
        else if (root.TryGetProperty("method", out var method) && root.TryGetProperty("params", out var parameters))
        {
            EventReceived?.Invoke(method.GetString() ?? "", parameters);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        if (reader is not null)
        {
            await reader.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        socket.Abort();
        socket.Dispose();
        stopping.Dispose();
    }
}
