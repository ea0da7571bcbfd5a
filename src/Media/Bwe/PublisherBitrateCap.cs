namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>The REMB (draft-alvestrand-rmcat-remb-03 §2) value to send a publisher once its subscribers have their
/// own estimates: without simulcast, the smallest subscriber estimate (so in a 1:1 call the encoder fits the
/// receiver's downlink), less what the other media in that subscriber's transport needs (audio); with simulcast, the
/// largest (each subscriber then picks the layer it can take, and a weak one does not pull the others down). Never
/// under <c>floorBps</c>; <c>fallbackBps</c> when there is no subscriber estimate yet.</summary>
internal static class PublisherBitrateCap
{
    public static long Compute(ReadOnlySpan<long> subscriberEstimatesBps, bool simulcast, long otherMediaBps, long floorBps, long fallbackBps)
    {
        if (subscriberEstimatesBps.IsEmpty)
        {
            return fallbackBps;
        }

        long chosen = subscriberEstimatesBps[0];
        foreach (long estimate in subscriberEstimatesBps)
        {
            chosen = simulcast ? Math.Max(chosen, estimate) : Math.Min(chosen, estimate);
        }

        return Math.Max(floorBps, chosen - otherMediaBps);
    }
}
