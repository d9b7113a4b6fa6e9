// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A no-account instant-exchange service (like eXch or FixedFloat): a customer sends ETH with an
/// order naming the payout (another chain and address); the service pays out off this chain and its
/// operator moves the collected ETH to the service's treasury.
contract InstantExchange {
    address public immutable operator;
    uint256 public nextOrder;

    event Order(uint256 indexed id, address indexed customer, uint256 amount, string payout);

    constructor() {
        operator = msg.sender;
    }

    function order(string calldata payout) external payable returns (uint256 id) {
        require(msg.value > 0, "no value");
        id = nextOrder++;
        emit Order(id, msg.sender, msg.value, payout);
    }

    function collect(address payable treasury, uint256 amount) external {
        require(msg.sender == operator, "not operator");
        (bool ok, ) = treasury.call{value: amount}("");
        require(ok, "send failed");
    }
}
