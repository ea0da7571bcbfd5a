using Microsoft.AspNetCore.SignalR;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>The room's media node did not answer a relayed call in time (or could not carry it out): a typed hub error,
/// <c>urn:telehealth:problem:media-node-unavailable</c>. The client tries again; a dead node's rooms are placed again
/// once its heartbeat expires.</summary>
internal sealed class MediaNodeUnavailableException(string message)
    : HubException(Problems.TypePrefix + "media-node-unavailable: " + message);
