using Doctolib.Telehealth.Media;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>This node's own media plane, as registered by <c>AddMedia</c>, beside the routed one that replaces it as
/// <see cref="IMediaPlane"/>.</summary>
internal sealed class LocalMediaPlane(IMediaPlane plane)
{
    public IMediaPlane Plane { get; } = plane;
}
