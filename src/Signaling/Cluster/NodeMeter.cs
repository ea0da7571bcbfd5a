using System.Diagnostics.Metrics;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary><c>telehealth_node_info{node, state}</c> = 1 on /metrics: which node answered the scrape, and whether it is
/// serving or draining.</summary>
internal sealed class NodeMeter
{
    public NodeMeter(IMeterFactory meters, NodeIdentity node, IServiceProvider services)
    {
        var meter = meters.Create("Doctolib.Telehealth.Node");
        meter.CreateObservableGauge("telehealth.node.info", () =>
        {
            var draining = node.Shared && services.GetService<NodeRegistry>() is { Draining: true };
            return new Measurement<int>(1,
                new KeyValuePair<string, object?>("node", node.Id),
                new KeyValuePair<string, object?>("state", draining ? NodeRecord.Draining : NodeRecord.Serving));
        }, description: "This node's id and state");
    }
}
