// The browser tests measure real-time media (decoded frames, bitrate at 10 s, gaps on a move): each needs the CPU its
// Chromium encoders and server processes would have on a user's machine. Run in parallel, the three-node cluster's
// collection and the single-node browser collection starved each other on a 2-core box (relayed video at 59 kbps
// 10 s after admission, against more than 100 alone), so the collections run one after the other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
