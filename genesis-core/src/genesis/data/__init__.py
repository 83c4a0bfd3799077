"""Framework-neutral data handling: reversible transforms and conditional sampling.

Modules:
    mixture: the one-dimensional variational Gaussian mixture behind
        mode-specific normalization.
    dtypes: which columns are continuous or discrete, and getting dtypes back.
    validation: checks on a table before fitting.
    columns: the encoders of one continuous or discrete column.
    transformer: :class:`~genesis.data.transformer.DataTransformer`, the
        reversible table transform of CTGAN and TVAE.
    conditional: :class:`~genesis.data.conditional.ConditionalSampler`,
        condition vectors for training-by-sampling and conditional generation.
"""
