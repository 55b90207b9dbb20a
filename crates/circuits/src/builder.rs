//! The circuit every Lineage proof is made of: halo2-base's [`BaseCircuitBuilder`] beside
//! the Poseidon lanes of [`crate::poseidon::lane`].
//!
//! Gadgets lay cells out in the builder's virtual regions as usual and record each
//! permutation on the [`PoseidonTape`], which hands back virtual stand-ins for the lane's
//! cells. `synthesize` lays the lanes out first, mapping each stand-in onto its physical
//! cell, then runs the builder's own synthesis, whose copy manager resolves every
//! builder↔lane equality. The builder is configured last, so that its row budget sees the
//! lanes' rotations (as halo2-lib's keccak shard circuit does).
//!
//! The lanes have no break points: call `i` goes to lane `i mod L`, block `i / L`, a function
//! of the call order alone, which the circuit's shape fixes.

use halo2_base::{
    gates::{
        circuit::{
            builder::BaseCircuitBuilder, BaseCircuitParams, BaseConfig, CircuitBuilderStage,
        },
        flex_gate::MultiPhaseThreadBreakPoints,
    },
    halo2_proofs::{
        circuit::{Layouter, SimpleFloorPlanner},
        halo2curves::bn256::Fr,
        plonk::{Circuit, ConstraintSystem, Error},
    },
};

use serde::{Deserialize, Serialize};

use crate::poseidon::lane::{lanes_for, LaneConfig, PoseidonTape};

/// The shape of a [`LineageBuilder`]: the builder's and the number of Poseidon lanes.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LineageParams {
    /// halo2-base's columns, k, lookup bits and instance columns.
    pub base: BaseCircuitParams,
    /// Poseidon lanes (0: no chip columns at all).
    pub lanes: usize,
}

/// The configured columns.
#[derive(Clone, Debug)]
pub struct LineageConfig {
    base: BaseConfig<Fr>,
    lanes: Option<LaneConfig>,
}

/// halo2-base's builder with the Poseidon lanes.
#[derive(Clone, Debug)]
pub struct LineageBuilder {
    /// The builder the gadgets lay their cells in.
    pub base: BaseCircuitBuilder<Fr>,
    /// The permutations the gadgets asked for.
    pub poseidon: PoseidonTape,
    lanes: usize,
}

impl LineageBuilder {
    /// An empty builder for `stage` (keygen, mock or prover).
    pub fn from_stage(stage: CircuitBuilderStage) -> Self {
        Self::with_base(BaseCircuitBuilder::from_stage(stage), PoseidonTape::new())
    }

    /// The prover's builder, pinned to the keys' shape and break points.
    pub fn prover(params: LineageParams, break_points: MultiPhaseThreadBreakPoints) -> Self {
        let mut b = Self::with_base(
            BaseCircuitBuilder::prover(params.base, break_points),
            PoseidonTape::new(),
        );
        b.lanes = params.lanes;
        b
    }

    /// A builder over `base`, recording on `tape`.
    pub fn with_base(base: BaseCircuitBuilder<Fr>, tape: PoseidonTape) -> Self {
        Self { base, poseidon: tape, lanes: 0 }
    }

    /// Computes and sets the shape from what was laid out: the builder's columns with
    /// `minimum_rows` kept free, and as many lanes as the tape needs at this k.
    pub fn calculate_params(&mut self, minimum_rows: usize) -> LineageParams {
        let base = self.base.calculate_params(Some(minimum_rows));
        self.lanes = lanes_for(self.poseidon.len(), base.k as u32);
        self.params()
    }

    /// The shape.
    pub fn params(&self) -> LineageParams {
        LineageParams { base: self.base.config_params.clone(), lanes: self.lanes }
    }
}

impl Circuit<Fr> for LineageBuilder {
    type Config = LineageConfig;
    type FloorPlanner = SimpleFloorPlanner;
    type Params = LineageParams;

    fn params(&self) -> LineageParams {
        LineageBuilder::params(self)
    }

    fn without_witnesses(&self) -> Self {
        unimplemented!("LineageBuilder is always built for a stage")
    }

    fn configure_with_params(
        meta: &mut ConstraintSystem<Fr>,
        params: LineageParams,
    ) -> LineageConfig {
        let lanes = (params.lanes > 0).then(|| LaneConfig::configure(meta, params.lanes));
        // Last: the builder fixes its usable rows from `meta.minimum_rows()`, which the
        // lanes' rotations raise.
        let base = BaseCircuitBuilder::configure_with_params(meta, params.base);
        LineageConfig { base, lanes }
    }

    fn configure(_: &mut ConstraintSystem<Fr>) -> LineageConfig {
        unreachable!("LineageBuilder is configured with its params")
    }

    fn synthesize(
        &self,
        config: LineageConfig,
        mut layouter: impl Layouter<Fr>,
    ) -> Result<(), Error> {
        let k = self.base.config_params.k as u32;
        match &config.lanes {
            Some(lanes) => layouter.assign_region(
                || "poseidon lanes",
                |mut region| {
                    let copy_manager = &self.base.core().copy_manager;
                    if self.base.witness_gen_only() {
                        lanes.assign(&mut region, &self.poseidon, k, None)
                    } else {
                        let mut cm = copy_manager.lock().unwrap_or_else(|p| p.into_inner());
                        lanes.assign(&mut region, &self.poseidon, k, Some(&mut cm))
                    }
                },
            )?,
            None if !self.poseidon.is_empty() => {
                return Err(Error::NotEnoughRowsAvailable { current_k: k })
            }
            None => {}
        }
        self.base.synthesize(config.base, layouter)
    }
}
