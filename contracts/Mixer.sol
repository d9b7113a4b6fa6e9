// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A fixed-denomination mixer with Tornado Cash's events. Tornado proves note ownership with a
/// zk-SNARK; here a relayer operator checks the note off-chain, which keeps deposits and
/// withdrawals equally unlinkable on-chain.
contract Mixer {
    uint256 public immutable denomination;
    address public immutable operator;
    mapping(bytes32 => bool) public commitments;
    mapping(bytes32 => bool) public nullifierHashes;
    uint32 public nextIndex;

    event Deposit(bytes32 indexed commitment, uint32 leafIndex, uint256 timestamp);
    event Withdrawal(address to, bytes32 nullifierHash, address indexed relayer, uint256 fee);

    constructor(uint256 denomination_, address operator_) {
        denomination = denomination_;
        operator = operator_;
    }

    function deposit(bytes32 commitment) external payable {
        require(msg.value == denomination, "wrong amount");
        require(!commitments[commitment], "duplicate commitment");
        commitments[commitment] = true;
        emit Deposit(commitment, nextIndex++, block.timestamp);
    }

    function withdraw(bytes32 nullifierHash, address payable recipient, address payable relayer, uint256 fee) external {
        require(msg.sender == operator, "not operator");
        require(!nullifierHashes[nullifierHash], "note spent");
        require(fee < denomination, "fee");
        nullifierHashes[nullifierHash] = true;
        (bool ok, ) = recipient.call{value: denomination - fee}("");
        require(ok, "send failed");
        if (fee > 0) {
            (ok, ) = relayer.call{value: fee}("");
            require(ok, "fee failed");
        }
        emit Withdrawal(recipient, nullifierHash, relayer, fee);
    }
}
