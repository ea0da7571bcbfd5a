using System.Text.Json.Serialization;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>One node's registry entry in Redis (key <c>telehealth:node:{id}</c>, JSON, expiring after
/// <c>Node:DeadAfter</c> unless the heartbeat renews it).</summary>
internal sealed record NodeRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("httpAddress")] string HttpAddress,
    [property: JsonPropertyName("mediaAddress")] string MediaAddress,
    [property: JsonPropertyName("udpPort")] int UdpPort,
    [property: JsonPropertyName("tcpPort")] int? TcpPort,
    [property: JsonPropertyName("sessions")] int Sessions,
    [property: JsonPropertyName("forwardedPerSecond")] double ForwardedPerSecond,
    [property: JsonPropertyName("cpu")] double Cpu,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("at")] DateTimeOffset At)
{
    public const string Serving = "serving";
    public const string Draining = "draining";

    [JsonIgnore]
    public bool IsServing => State == Serving;
}
