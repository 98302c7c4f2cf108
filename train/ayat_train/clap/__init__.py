"""QuranCLAP (contrastive audio <-> verse embeddings) and the lightweight bridge.

Modules: verses (the 6,236 verse table and its dedup keys), towers (audio/text towers),
loss (symmetric InfoNCE), batches (hard-negative batches), states (frozen-encoder cache),
retrieval (top-k metrics), features (MFCC + spectral summary, mirrored in src/embed/features.ts),
bridge (features -> 384-d text space MLP), onnx_io (export helpers, int8, verse matrices).
"""
